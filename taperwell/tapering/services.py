"""Writes to taper plans. Every decision is an append-only TaperEvent in the same transaction.

Only a clinician (role `clinician`) approves or changes a plan: no dose changes without one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from taperwell.access import role_of
from taperwell.clinics.models import Role
from taperwell.patients.models import PatientStatus
from taperwell.patients.phase import patient_phase_set
from taperwell.tapering.engine import PlanError, schedule_json
from taperwell.tapering.models import (
    IN_FORCE,
    PauseRequest,
    PauseRequestStatus,
    PlanStatus,
    TaperEvent,
    TaperEventKind,
    TaperPlan,
)
from taperwell.tapering.selectors import current_plan

LOST_TOLERANCE = (
    "Any dose increase after a reduction carries a risk of overdose: tolerance may already be "
    "lower. Tell the patient and check naloxone."
)


def _must_be_clinician(user: Any) -> None:
    if role_of(user) != Role.CLINICIAN:
        raise PermissionDenied("Only a clinician can approve or change a taper plan.")


def local_today(clinic: Any) -> date:
    import zoneinfo

    return timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()


def _schedule(inputs: dict[str, Any], revisions: list[dict[str, Any]]) -> dict[str, Any]:
    try:
        return schedule_json(inputs, revisions)
    except PlanError as error:
        raise ValidationError(str(error)) from error


@transaction.atomic
def plan_draft(
    *, patient: Any, by: Any, inputs: dict[str, Any], patient_preference: str = ""
) -> TaperPlan:
    """A new draft; the engine must be able to plan it (bad input raises ValidationError)."""
    if role_of(by) not in {Role.CLINICIAN, Role.BEHAVIOURAL_HEALTH}:
        raise PermissionDenied("Only clinicians draft taper plans.")
    document = _schedule(inputs, [])
    plan = TaperPlan(
        patient=patient,
        inputs=inputs,
        draft=document,
        patient_preference=patient_preference.strip(),
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    TaperEvent.objects.create(
        plan=plan, kind=TaperEventKind.DRAFTED, by=by, details={"policy": inputs["policy"]}
    )
    return plan


@transaction.atomic
def plan_approve(*, plan: TaperPlan, by: Any, agreement: str) -> TaperPlan:
    """Approve a draft: its schedule becomes what the patient sees. Replaces any plan in force."""
    _must_be_clinician(by)
    plan = TaperPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError("Only a draft can be approved.")
    if not agreement.strip():
        raise ValidationError({"agreement": "Write down what was agreed with the patient."})
    for old in TaperPlan.objects.filter(patient=plan.patient, status__in=IN_FORCE):
        old.status = PlanStatus.CANCELLED
        old.save(update_fields=["status"])
        TaperEvent.objects.create(
            plan=old, kind=TaperEventKind.CANCELLED, by=by, reason="Replaced by a new plan."
        )
    plan.schedule = _schedule(plan.inputs, plan.revisions)
    plan.agreement = agreement.strip()
    plan.status = PlanStatus.APPROVED
    plan.approved_by = by
    plan.approved_at = timezone.now()
    plan.full_clean()
    plan.save()
    # A new taper means daily check-ins again, around each step.
    patient_phase_set(patient=plan.patient, phase=PatientStatus.ACTIVE, by=by)
    TaperEvent.objects.create(
        plan=plan,
        kind=TaperEventKind.APPROVED,
        by=by,
        reason=plan.agreement,
        details={"steps": len(plan.schedule["steps"])},
    )
    return plan


_KINDS = {
    "pause": (TaperEventKind.PAUSED, PlanStatus.PAUSED),
    "resume": (TaperEventKind.RESUMED, PlanStatus.APPROVED),
    "slow-down": (TaperEventKind.SLOWED, PlanStatus.APPROVED),
    "step-back": (TaperEventKind.STEPPED_BACK, PlanStatus.PAUSED),
}


@transaction.atomic
def plan_revise(
    *,
    plan: TaperPlan,
    by: Any,
    kind: str,
    on: date,
    reason: str,
    policy: dict[str, Any] | None = None,
    to_index: int | None = None,
) -> TaperPlan:
    """Pause, resume, slow down or step back an approved plan; the patient sees it at once."""
    _must_be_clinician(by)
    plan = TaperPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in IN_FORCE:
        raise ValidationError("Only an approved plan can be changed.")
    if kind not in _KINDS:
        raise ValidationError(f"Unknown change {kind!r}.")
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason; the patient and the team will see it."})
    revision: dict[str, Any] = {"kind": kind, "on": on.isoformat(), "reason": reason.strip()}
    if policy:
        revision["policy"] = policy
    if to_index is not None:
        revision["to_index"] = to_index
    revisions = [*plan.revisions, revision]
    before_mme = _mme_on(plan.schedule, on)
    schedule = _schedule(plan.inputs, revisions)
    after_mme = _mme_on(schedule, on)
    event_kind, status = _KINDS[kind]
    details: dict[str, Any] = {k: v for k, v in revision.items() if k != "reason"}
    if after_mme is not None and before_mme is not None and after_mme > before_mme:
        details["warning"] = LOST_TOLERANCE
    plan.revisions = revisions
    plan.schedule = schedule
    plan.status = status
    plan.save(update_fields=["revisions", "schedule", "status"])
    TaperEvent.objects.create(
        plan=plan, kind=event_kind, by=by, reason=revision["reason"], details=details
    )
    if kind == "pause":
        PauseRequest.objects.filter(patient=plan.patient, status=PauseRequestStatus.OPEN).update(
            status=PauseRequestStatus.ANSWERED, answered_by=by, answered_at=timezone.now()
        )
    return plan


def _mme_on(schedule: dict[str, Any], on: date) -> float | None:
    for step in schedule.get("steps", []):
        start = date.fromisoformat(step["start_date"])
        end = date.fromisoformat(step["end_date"]) if step.get("end_date") else None
        if start <= on and (end is None or on <= end):
            return step["mme_per_day"]
    return None


@transaction.atomic
def plan_complete(*, plan: TaperPlan, by: Any, on: date, reason: str) -> TaperPlan:
    """Close a plan whose last step has begun: the taper is done (or reached its target)."""
    _must_be_clinician(by)
    plan = TaperPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in IN_FORCE:
        raise ValidationError("Only an approved plan can be finished.")
    steps = (plan.schedule or {}).get("steps", [])
    if not steps or date.fromisoformat(steps[-1]["start_date"]) > on:
        raise ValidationError(
            "The plan's last step has not begun yet: pause it, or cancel it, instead."
        )
    plan.status = PlanStatus.COMPLETED
    plan.save(update_fields=["status"])
    TaperEvent.objects.create(
        plan=plan,
        kind=TaperEventKind.COMPLETED,
        by=by,
        reason=reason.strip(),
        details={"on": on.isoformat()},
    )
    # After the taper comes maintenance: check-ins at the clinic's slower cadence.
    patient_phase_set(patient=plan.patient, phase=PatientStatus.MAINTENANCE, by=by)
    return plan


@transaction.atomic
def plan_cancel(*, plan: TaperPlan, by: Any, reason: str) -> TaperPlan:
    _must_be_clinician(by)
    if plan.status in (PlanStatus.CANCELLED, PlanStatus.COMPLETED):
        raise ValidationError("This plan is already closed.")
    plan.status = PlanStatus.CANCELLED
    plan.save(update_fields=["status"])
    TaperEvent.objects.create(plan=plan, kind=TaperEventKind.CANCELLED, by=by, reason=reason)
    return plan


@transaction.atomic
def pause_request_create(*, patient: Any, reason: str = "", by: Any) -> PauseRequest:
    """The patient asks for a pause: stored, logged on the plan, and raised as a care flag."""
    from taperwell.care.services import flag_raise

    plan = current_plan(patient)
    request = PauseRequest(patient=patient, plan=plan, reason=reason.strip()[:2000])
    request.full_clean()
    request.save()
    if plan is not None:
        TaperEvent.objects.create(
            plan=plan, kind=TaperEventKind.PAUSE_REQUESTED, by=by, reason=request.reason
        )
    words = "Asked for a pause in the taper"
    if request.reason:
        words += f": “{request.reason[:200]}”"
    flag_raise(
        patient=patient,
        rule="pause-request",
        severity="moderate",
        reason=words,
        action="pause",
        day=local_today(patient.clinic),
        source="patient",
    )
    return request
