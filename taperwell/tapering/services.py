"""Writes to taper plans. Every decision is an append-only TaperEvent in the same transaction.

Only a clinician (role `clinician`) approves or changes a plan: no dose changes without one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from taperwell.access import role_of
from taperwell.clinics.models import Role
from taperwell.clinics.selectors import clinic_today
from taperwell.core.language import language_for_patient
from taperwell.medications.selectors import NaloxoneState, dose_of_record, naloxone_status
from taperwell.patients.models import PatientStatus
from taperwell.patients.phase import patient_phase_set
from taperwell.patients.signals import flag_answered_by_plan, flag_requested, send_required
from taperwell.tapering.engine import PlanError, schedule_json
from taperwell.tapering.models import (
    IN_FORCE,
    PauseRequest,
    PauseRequestStatus,
    PlanStatus,
    RevisionKind,
    TaperEvent,
    TaperEventKind,
    TaperPlan,
)
from taperwell.tapering.schedule import schedule_from_document, schedule_of
from taperwell.tapering.selectors import current_plan, scheduled_mme_of_record
from taperwell.tapering.signals import plan_changed
from taperwell.tapering.wording import INCREASE_TITLE

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.clinics.models import Clinic
    from taperwell.patients.models import Patient

LOST_TOLERANCE = (
    "Any dose increase after a reduction carries a risk of overdose: tolerance may already be "
    "lower. Tell the patient and check naloxone."
)


def _must_be_clinician(user: User) -> None:
    if role_of(user) != Role.CLINICIAN:
        raise PermissionDenied("Only a clinician can approve or change a taper plan.")


def local_today(clinic: Clinic) -> date:
    """`clinics.selectors.clinic_today` under its older name here."""
    return clinic_today(clinic)


def _schedule(inputs: dict[str, Any], revisions: list[dict[str, Any]]) -> dict[str, Any]:
    try:
        return schedule_json(inputs, revisions)
    except PlanError as error:
        raise ValidationError(str(error)) from error


@transaction.atomic
def plan_draft(
    *, patient: Patient, by: User, inputs: dict[str, Any], patient_preference: str = ""
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


class IncreaseNotConfirmedError(ValidationError):
    """Approving would raise today's dose: the clinician must confirm it, having seen why."""


class DatesNotSeenError(ValidationError):
    """The draft's start date has passed: the clinician must see the new dates before approving."""


@dataclass(frozen=True)
class ApprovalPreview:
    """What approving a draft today would do, shown before the clinician approves."""

    document: dict[str, Any]  # the schedule the patient would see, re-dated when needed
    starts_on: date
    redated_from: date | None  # the drafted start date, when it has passed
    today_mme: Decimal | None  # today's scheduled dose of record
    first_mme: Decimal
    replaces: list[TaperPlan]

    @property
    def increase(self) -> bool:
        return self.today_mme is not None and self.first_mme > self.today_mme

    @property
    def increase_percent(self) -> Decimal | None:
        if not self.increase or not self.today_mme:
            return None
        return ((self.first_mme - self.today_mme) / self.today_mme * 100).quantize(Decimal("1"))


def _redated(inputs: dict[str, Any], today: date) -> tuple[dict[str, Any], date | None]:
    """A start date in the past moves to today: every step is kept, none is replayed or skipped."""
    drafted = date.fromisoformat(inputs["start_date"])
    if drafted >= today:
        return inputs, None
    return {**inputs, "start_date": today.isoformat()}, drafted


def plan_approval_preview(*, plan: TaperPlan, today: date) -> ApprovalPreview:
    inputs, redated_from = _redated(plan.inputs, today)
    document = _schedule(inputs, plan.revisions) if redated_from else plan.draft
    if not document:
        document = _schedule(inputs, plan.revisions)
    steps = document.get("steps", [])
    first = Decimal(str(steps[0]["mme_per_day"])) if steps else Decimal(0)
    replaces = list(
        TaperPlan.objects.filter(patient=plan.patient, status__in=IN_FORCE).exclude(pk=plan.pk)
    )
    return ApprovalPreview(
        document=document,
        starts_on=date.fromisoformat(inputs["start_date"]),
        redated_from=redated_from,
        today_mme=_comparable_mme_of_record(plan, on=today),
        first_mme=first,
        replaces=replaces,
    )


def _comparable_mme_of_record(plan: TaperPlan, *, on: date) -> Decimal | None:
    """Today's dose of record counted the way the plan's steps count it: a plan that tapers an
    as-needed line counts its daily maximum (the engine does), one that does not leaves it out."""
    plans_as_needed = any(m.get("as_needed") for m in plan.inputs.get("medications", []))
    if not plans_as_needed:
        return scheduled_mme_of_record(plan.patient, on=on)
    return dose_of_record(plan.patient, on=on).mme_per_day


@transaction.atomic
def plan_approve(
    *,
    plan: TaperPlan,
    by: User,
    agreement: str,
    today: date | None = None,
    shown_start: date | None = None,
    confirm_increase: bool = False,
) -> TaperPlan:
    """Approve a draft: its schedule becomes what the patient sees, and replaces any plan in force.

    A start date that has passed moves to today (`shown_start` must say the clinician saw that);
    a first dose above today's dose of record needs `confirm_increase`. The patient is told.
    """
    _must_be_clinician(by)
    plan = TaperPlan.objects.select_for_update().select_related("patient__clinic").get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError("Only a draft can be approved.")
    if not agreement.strip():
        raise ValidationError({"agreement": "Write down what was agreed with the patient."})
    today = today or local_today(plan.patient.clinic)
    preview = plan_approval_preview(plan=plan, today=today)
    if preview.redated_from is not None and shown_start != preview.starts_on:
        raise DatesNotSeenError(
            "This draft's start date has passed. It now starts today: check the new dates, "
            "then approve again."
        )
    if preview.increase and not confirm_increase:
        raise IncreaseNotConfirmedError(
            f"This plan starts above today's dose ({preview.today_mme} → {preview.first_mme} MME "
            "a day). Confirm the increase to approve it."
        )
    for old in preview.replaces:
        old.status = PlanStatus.CANCELLED
        old.save(update_fields=["status"])
        TaperEvent.objects.create(
            plan=old,
            kind=TaperEventKind.REPLACED,
            by=by,
            reason="Replaced by a new plan.",
            details={"replaced_by": str(plan.public_id), "on": today.isoformat()},
        )
    if preview.redated_from is not None:
        plan.inputs = {**plan.inputs, "start_date": preview.starts_on.isoformat()}
    plan.schedule = _schedule(plan.inputs, plan.revisions)
    plan.agreement = agreement.strip()
    plan.status = PlanStatus.APPROVED
    plan.approved_by = by
    plan.approved_at = timezone.now()
    plan.full_clean()
    plan.save()
    # A new taper means daily check-ins again, around each step.
    patient_phase_set(patient=plan.patient, phase=PatientStatus.ACTIVE, by=by)
    details: dict[str, Any] = {
        "steps": len(plan.schedule["steps"]),
        "replaces": [str(old.public_id) for old in preview.replaces],
        "from_mme": _number(preview.today_mme),
        "to_mme": _number(preview.first_mme),
    }
    if preview.redated_from is not None:
        details["redated_from"] = preview.redated_from.isoformat()
    if preview.increase:
        details["warning"] = LOST_TOLERANCE
        details["naloxone"] = naloxone_words(plan.patient)
    TaperEvent.objects.create(
        plan=plan, kind=TaperEventKind.APPROVED, by=by, reason=plan.agreement, details=details
    )
    if today == local_today(plan.patient.clinic):  # a live approval, not a record of the past
        _tell_patient_of_new_plan(plan, preview, today=today)
    return plan


def _number(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def naloxone_words(patient: Patient) -> str:
    """The one naloxone status, for the approval page and the decision log."""
    return f"Naloxone: {naloxone_status(patient).words}."


PATIENT_INCREASE_WORDS = gettext_lazy(
    "Your new plan starts at a higher dose than you take now. Your body may be used to less, "
    "so the same amount can be stronger than before. Take only what the plan says. Keep "
    "naloxone where someone can find it, and call us if you feel very sleepy or slow."
)
# When naloxone is not known to be at home, the patient is told where to get it.
PATIENT_INCREASE_WORDS_NO_NALOXONE = gettext_lazy(
    "Your new plan starts at a higher dose than you take now. Your body may be used to less, "
    "so the same amount can be stronger than before. Take only what the plan says. Ask us or "
    "your pharmacy for naloxone, keep it where someone can find it, and call us if you feel "
    "very sleepy or slow."
)


def _tell_patient_of_new_plan(plan: TaperPlan, preview: ApprovalPreview, *, today: date) -> None:
    """A notice in plain words, in the same transaction: the patient never meets a change cold."""
    patient = plan.patient
    if patient.user_id is None:
        return
    start = preview.starts_on
    # Written once, read later: in the patient's language.
    with translation.override(language_for_patient(patient)):
        title = (
            gettext("Your care team made a new taper plan")
            if preview.replaces
            else gettext("Your taper plan is ready")
        )
        if start == today:
            body = gettext("It starts today. See it on My medicines.")
        else:
            body = gettext("It starts on %(day)s. See it on My medicines.") % {
                "day": date_format(start, gettext("F j"))
            }
        if preview.increase:
            title = str(INCREASE_TITLE)
            at_home = naloxone_status(patient, today=today).state == NaloxoneState.AT_HOME
            body = str(PATIENT_INCREASE_WORDS if at_home else PATIENT_INCREASE_WORDS_NO_NALOXONE)
    send_required(
        plan_changed,
        sender="tapering",
        patient=patient,
        key=f"plan-approved:{plan.public_id}",
        title=title,
        body=body[:400],
        url="/my-medicines/",
    )


@transaction.atomic
def plan_discard(*, plan: TaperPlan, by: User, reason: str = "") -> TaperPlan:
    """Set an unwanted draft aside; it is kept, marked discarded, and the decision logged."""
    if role_of(by) not in {Role.CLINICIAN, Role.BEHAVIOURAL_HEALTH}:
        raise PermissionDenied("Only clinicians discard draft plans.")
    plan = TaperPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError("Only a draft can be discarded.")
    plan.status = PlanStatus.DISCARDED
    plan.save(update_fields=["status"])
    TaperEvent.objects.create(
        plan=plan, kind=TaperEventKind.DISCARDED, by=by, reason=reason.strip()[:1000]
    )
    return plan


_KINDS = {
    RevisionKind.PAUSE: (TaperEventKind.PAUSED, PlanStatus.PAUSED),
    RevisionKind.RESUME: (TaperEventKind.RESUMED, PlanStatus.APPROVED),
    RevisionKind.SLOW_DOWN: (TaperEventKind.SLOWED, PlanStatus.APPROVED),
    RevisionKind.STEP_BACK: (TaperEventKind.STEPPED_BACK, PlanStatus.PAUSED),
}


@transaction.atomic
def plan_revise(
    *,
    plan: TaperPlan,
    by: User,
    kind: str,
    on: date,
    reason: str,
    policy: dict[str, Any] | None = None,
    to_index: int | None = None,
    resolves_flag_id: uuid.UUID | None = None,
) -> TaperPlan:
    """Pause, resume, slow down or step back an approved plan; the patient sees it at once.

    `resolves_flag_id`: the public id of the care flag this decision answers; the care app
    resolves it with it, in this transaction.
    """
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
    if kind == RevisionKind.PAUSE:
        # A pause is always possible: it holds the stored dose and never asks the engine to
        # replan, so a plan the engine would now plan differently (or refuse) can still pause.
        schedule = _held_on(plan.schedule, on=on, reason=revision["reason"])
    else:
        schedule = _schedule(plan.inputs, revisions)
    after_mme = _mme_on(schedule, on)
    event_kind, status = _KINDS[RevisionKind(kind)]
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
    if kind == RevisionKind.PAUSE:
        PauseRequest.objects.filter(patient=plan.patient, status=PauseRequestStatus.OPEN).update(
            status=PauseRequestStatus.ANSWERED, answered_by=by, answered_at=timezone.now()
        )
    if resolves_flag_id is not None:
        send_required(
            flag_answered_by_plan,
            sender="tapering",
            plan=plan,
            flag_id=resolves_flag_id,
            by=by,
            kind=kind,
            reason=revision["reason"],
        )
    return plan


def _held_on(schedule: dict[str, Any], *, on: date, reason: str) -> dict[str, Any]:
    """The stored schedule held at the dose in force on `on`; later steps are set aside."""
    current = schedule_from_document(schedule).step_on(on)
    if current is None:
        raise ValidationError(f"The plan has no step on {on.isoformat()} to pause.")
    if current.paused:
        raise ValidationError("The plan is already paused.")
    if not current.mme_per_day and current.kind == "stop":
        raise ValidationError("The taper is complete; there is nothing to pause.")
    note = (
        f"Paused on {on.isoformat()}: {reason}. "
        "This dose continues until the care team resumes the plan."
    )
    step = current.document
    held = {
        **step,
        "end_date": None,
        "paused": True,
        "notes": [*step.get("notes", []), note],
    }
    return {**schedule, "steps": [*schedule.get("steps", [])[: current.position], held]}


def _mme_on(schedule: dict[str, Any], on: date) -> Decimal | None:
    return schedule_from_document(schedule).mme_on(on)


@transaction.atomic
def plan_complete(*, plan: TaperPlan, by: User, on: date, reason: str) -> TaperPlan:
    """Close a plan whose last step has begun: the taper is done (or reached its target)."""
    _must_be_clinician(by)
    plan = TaperPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in IN_FORCE:
        raise ValidationError("Only an approved plan can be finished.")
    last = schedule_of(plan).last_step
    if last is None or last.start > on:
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
def pause_request_create(*, patient: Patient, reason: str = "", by: User) -> PauseRequest:
    """The patient asks for a pause: stored, logged on the plan, and raised as a care flag."""
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
    send_required(
        flag_requested,
        sender="tapering",
        patient=patient,
        rule="pause-request",
        severity="moderate",
        reason=words,
        action="pause",
        day=local_today(patient.clinic),
        step_date=None,
        source="patient",
    )
    return request
