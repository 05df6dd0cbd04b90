"""The taper plan workflow for the care team: draft, compare, approve, change, print."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import care_team_required, patient_for_user, role_of, role_required
from taperwell.clinics.models import CLINICAL_ROLES, Role
from taperwell.medications.selectors import active_medications
from taperwell.tapering.engine import (
    PlanError,
    pace_by_id,
    pack_for,
    policy_for_pace,
    regimen_from_medications,
)
from taperwell.tapering.forms import ApproveForm, DraftForm, ReviseForm
from taperwell.tapering.models import TaperPlan
from taperwell.tapering.selectors import plan_steps_for_patient, plans_of
from taperwell.tapering.services import (
    LOST_TOLERANCE,
    local_today,
    plan_approve,
    plan_complete,
    plan_draft,
    plan_revise,
)


def _drugs(regimen: list[dict]) -> list[str]:
    return sorted({m["drug"] for m in regimen})


@require_http_methods(["GET", "POST"])
@care_team_required
def plans(request: HttpRequest, public_id: str) -> HttpResponse:
    write = request.method == "POST"
    patient = patient_for_user(
        request,
        public_id,
        what="taper plans",
        write=write,
        roles=CLINICAL_ROLES if write else {*CLINICAL_ROLES, Role.STAFF, Role.ADMIN},
    )
    regimen = regimen_from_medications(active_medications(patient))
    today = local_today(patient.clinic)
    form = DraftForm(request.POST or None, drugs=_drugs(regimen), initial={"start_date": today})
    if write and form.is_valid():
        data = form.cleaned_data
        try:
            policy = policy_for_pace(
                pace_by_id(data["pace"]),
                percent=data["percent"],
                interval_days=data["interval_days"],
                order=data["order"],
                rapid_reason=data["rapid_reason"],
            )
            inputs = {
                "guideline": pack_for(patient.clinic).id,
                "start_date": data["start_date"].isoformat(),
                "medications": regimen,
                "policy": policy,
            }
            plan = plan_draft(
                patient=patient,
                by=request.user,
                inputs=inputs,
                patient_preference=data["patient_preference"],
            )
        except (PlanError, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request, "Draft ready. Compare it with the patient's wishes, then approve."
            )
            return redirect("tapering:plan", public_id=plan.public_id)
    return render(
        request,
        "tapering/plans.html",
        {
            "patient": patient,
            "plans": plans_of(patient),
            "regimen": regimen,
            "form": form,
            "can_draft": role_of(request.user) in CLINICAL_ROLES,
        },
        status=400 if write else 200,
    )


def _plan_for(
    request: HttpRequest, public_id: str, *, write: bool = False, roles=None
) -> TaperPlan:
    plan = TaperPlan.objects.filter(public_id=public_id).select_related("patient").first()
    if plan is None:
        raise Http404("No such plan")
    patient = patient_for_user(
        request,
        plan.patient.public_id,
        what="taper plan",
        write=write,
        roles=roles or {*CLINICAL_ROLES, Role.STAFF, Role.ADMIN},
    )
    plan.patient = patient
    return plan


def _patient_reasons(patient) -> str:
    try:
        from taperwell.checkins.models import TaperReasons
    except ImportError:
        return ""
    reasons = TaperReasons.objects.filter(patient=patient).first()
    return reasons.reasons if reasons else ""


@require_GET
@care_team_required
def plan_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan_for(request, public_id)
    return _detail(request, plan)


def _detail(request, plan, *, approve_form=None, revise_form=None, status=200):
    today = local_today(plan.patient.clinic)
    document = plan.schedule or plan.draft
    return render(
        request,
        "tapering/plan.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "document": document,
            "steps": plan_steps_for_patient(plan, today=today) if plan.schedule else None,
            "events": plan.events.select_related("by"),
            "reasons": _patient_reasons(plan.patient),
            "can_approve": role_of(request.user) == Role.CLINICIAN,
            "approve_form": approve_form or ApproveForm(),
            "revise_form": revise_form or ReviseForm(initial={"on": today}),
            "lost_tolerance": LOST_TOLERANCE,
        },
        status=status,
    )


@require_POST
@role_required(*CLINICAL_ROLES)
def approve(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan_for(request, public_id, write=True, roles=CLINICAL_ROLES)
    if role_of(request.user) != Role.CLINICIAN:
        raise PermissionDenied("Only a clinician can approve a taper plan.")
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            plan_approve(plan=plan, by=request.user, agreement=form.cleaned_data["agreement"])
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "Plan approved. The patient now sees it.")
            return redirect("tapering:plan", public_id=plan.public_id)
    return _detail(request, plan, approve_form=form, status=400)


@require_POST
@role_required(*CLINICAL_ROLES)
def revise(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan_for(request, public_id, write=True, roles=CLINICAL_ROLES)
    if role_of(request.user) != Role.CLINICIAN:
        raise PermissionDenied("Only a clinician can change a taper plan.")
    form = ReviseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        policy = None
        if data["kind"] == "slow-down":
            policy = {
                "percent": str(data["percent"]),
                "interval_days": data["interval_days"],
                "of": plan.inputs["policy"].get("of", "original"),
                "order": plan.inputs["policy"].get("order", []),
            }
        try:
            if data["kind"] == "complete":
                plan_complete(plan=plan, by=request.user, on=data["on"], reason=data["reason"])
            else:
                plan_revise(
                    plan=plan,
                    by=request.user,
                    kind=data["kind"],
                    on=data["on"],
                    reason=data["reason"],
                    policy=policy,
                    to_index=data["to_index"],
                )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "Plan changed. The patient sees the change in plain words.")
            if data["kind"] == "step-back":
                messages.warning(request, LOST_TOLERANCE)
            return redirect("tapering:plan", public_id=plan.public_id)
    return _detail(request, plan, revise_form=form, status=400)


@require_GET
@care_team_required
def print_schedule(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan_for(request, public_id)
    if not plan.schedule:
        raise Http404("Only an approved plan can be printed")
    return render(
        request,
        "tapering/print.html",
        {"plan": plan, "patient": plan.patient, "document": plan.schedule},
    )
