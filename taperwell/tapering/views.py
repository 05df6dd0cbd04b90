"""The taper plan workflow for the care team: draft, compare, approve, change, print."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import care_team_required, patient_for_user, role_of, role_required
from taperwell.clinics.models import CLINICAL_ROLES, PLAN_WRITING_ROLES, Role
from taperwell.patients.signals import ask, flag_words_asked
from taperwell.tapering.engine import PlanError, pace_by_id, pack_for, policy_for_pace
from taperwell.tapering.forms import (
    COMPLETE,
    ApproveForm,
    DiscardForm,
    DraftForm,
    ReviseForm,
    TreatmentDecisionForm,
)
from taperwell.tapering.models import PlanStatus, RevisionKind, TaperPlan
from taperwell.tapering.selectors import draft_starting_point, plan_steps_for_patient, plans_of
from taperwell.tapering.services import (
    LOST_TOLERANCE,
    local_today,
    naloxone_words,
    plan_approval_preview,
    plan_approve,
    plan_complete,
    plan_discard,
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
        roles=PLAN_WRITING_ROLES if write else CLINICAL_ROLES,
    )
    today = local_today(patient.clinic)
    start = draft_starting_point(patient, on=today)
    regimen = start.regimen
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
            "start": start,
            "form": form,
            "can_draft": role_of(request.user) in PLAN_WRITING_ROLES,
        },
        status=400 if write else 200,
    )


def _plan_for(
    request: HttpRequest,
    public_id: str,
    *,
    write: bool = False,
    roles=None,
    what: str = "taper plan",
) -> TaperPlan:
    plan = TaperPlan.objects.filter(public_id=public_id).select_related("patient").first()
    if plan is None:
        raise Http404("No such plan")
    patient = patient_for_user(
        request,
        plan.patient.public_id,
        what=what,
        write=write,
        roles=roles or CLINICAL_ROLES,
    )
    plan.patient = patient
    return plan


def _patient_reasons(patient) -> str:
    from taperwell.checkins.models import TaperReasons

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
    preview = None
    if plan.status == PlanStatus.DRAFT:
        try:
            preview = plan_approval_preview(plan=plan, today=today)
        except ValidationError:
            preview = None
        else:
            document = preview.document  # the dates the patient would get if approved today
    if approve_form is None:
        approve_form = ApproveForm(initial={"shown_start": preview.starts_on if preview else None})
    return render(
        request,
        "tapering/plan.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "document": document,
            "preview": preview,
            "naloxone": naloxone_words(plan.patient) if preview and preview.increase else "",
            "steps": plan_steps_for_patient(plan, today=today) if plan.schedule else None,
            "events": plan.events.select_related("by"),
            "reasons": _patient_reasons(plan.patient),
            "can_approve": role_of(request.user) == Role.CLINICIAN,
            "can_discard": role_of(request.user) in PLAN_WRITING_ROLES,
            "approve_form": approve_form,
            "discard_form": DiscardForm(),
            "revise_form": revise_form or _revise_form_for(request, plan, today),
            "lost_tolerance": LOST_TOLERANCE,
            "treatment_form": TreatmentDecisionForm(initial={"on": today}),
        },
        status=status,
    )


def _revise_form_for(request: HttpRequest, plan: TaperPlan, today) -> ReviseForm:
    """The change form; from a flag's suggested action it comes filled in (one click away)."""
    initial: dict = {"on": today}
    decision = request.GET.get("decision", "")
    if decision in {"pause", "slow-down", "step-back"}:
        initial["kind"] = decision
        if decision == "slow-down":
            policy = plan.inputs.get("policy", {})
            percent = Decimal(str(policy.get("percent", "10")))
            initial["percent"] = max(Decimal(1), (percent / 2).quantize(Decimal("0.5")))
            initial["interval_days"] = policy.get("interval_days", 28)
    flag_id = request.GET.get("flag", "")
    words = flag_id and ask(
        flag_words_asked, sender="tapering", patient=plan.patient, flag_id=flag_id
    )
    if words:
        initial["flag"] = flag_id
        initial["reason"] = words
    return ReviseForm(initial=initial)


@require_POST
@role_required(*PLAN_WRITING_ROLES)
def approve(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan_for(request, public_id, write=True, roles=PLAN_WRITING_ROLES)
    if role_of(request.user) != Role.CLINICIAN:
        raise PermissionDenied("Only a clinician can approve a taper plan.")
    form = ApproveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_approve(
                plan=plan,
                by=request.user,
                agreement=data["agreement"],
                shown_start=data["shown_start"],
                confirm_increase=data["confirm_increase"],
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(
                request, "Plan approved. The patient now sees it. They have a notice about it."
            )
            return redirect("tapering:plan", public_id=plan.public_id)
    # Shown again with the dates and doses as they are now; the clinician looks, then approves.
    return _detail(request, plan, approve_form=_refreshed(form, plan), status=400)


def _refreshed(form: ApproveForm, plan: TaperPlan) -> ApproveForm:
    """Keep the clinician's words and errors, but show the start date as it is today."""
    data = form.data.copy()
    try:
        preview = plan_approval_preview(plan=plan, today=local_today(plan.patient.clinic))
    except ValidationError:
        preview = None
    data["shown_start"] = preview.starts_on.isoformat() if preview else ""
    fresh = ApproveForm(data)
    fresh.is_valid()
    for error in form.non_field_errors():
        fresh.add_error(None, error)
    return fresh


@require_POST
@role_required(*PLAN_WRITING_ROLES)
def discard(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan_for(request, public_id, write=True, roles=PLAN_WRITING_ROLES)
    form = DiscardForm(request.POST)
    if form.is_valid():
        try:
            plan_discard(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("tapering:plan", public_id=plan.public_id)
        messages.success(request, "Draft discarded. It stays in the list, marked discarded.")
    else:
        messages.error(request, "Keep the reason under 1000 characters.")
    return redirect("tapering:plans", public_id=plan.patient.public_id)


@require_POST
@role_required(*PLAN_WRITING_ROLES)
def revise(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan_for(request, public_id, write=True, roles=PLAN_WRITING_ROLES)
    if role_of(request.user) != Role.CLINICIAN:
        raise PermissionDenied("Only a clinician can change a taper plan.")
    form = ReviseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        policy = None
        if data["kind"] == RevisionKind.SLOW_DOWN:
            policy = {
                "percent": str(data["percent"]),
                "interval_days": data["interval_days"],
                "of": plan.inputs["policy"].get("of", "original"),
                "order": plan.inputs["policy"].get("order", []),
            }
        try:
            if data["kind"] == COMPLETE:
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
                    resolves_flag_id=data["flag"],
                )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "Plan changed. The patient sees the change in plain words.")
            if data["kind"] == RevisionKind.STEP_BACK:
                messages.warning(request, LOST_TOLERANCE)
            if data["flag"] and data["kind"] != COMPLETE:
                messages.success(request, "The flag is resolved with this decision.")
                return redirect("care:patient", public_id=plan.patient.public_id)
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
