"""The prescriber's pages on a plan: the prescription worksheet and the record of a decision on
medication treatment. Clinicians only (the role that approves and changes plans)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from taperwell.access import role_required
from taperwell.clinics.models import PLAN_WRITING_ROLES
from taperwell.tapering.forms import TreatmentDecisionForm
from taperwell.tapering.services import local_today
from taperwell.tapering.treatment import treatment_decision_record
from taperwell.tapering.views import _plan_for
from taperwell.tapering.worksheet import fill_length_for, worksheet_steps


@require_GET
@role_required(*PLAN_WRITING_ROLES)
def worksheet(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan_for(
        request, public_id, roles=PLAN_WRITING_ROLES, what="prescription worksheet"
    )
    if not plan.schedule:
        raise Http404("Only an approved plan has a prescription worksheet")
    today = local_today(plan.patient.clinic)
    return render(
        request,
        "tapering/worksheet.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "steps": worksheet_steps(plan, today=today),
            "fill_length": fill_length_for(plan.patient.clinic),
            "today": today,
        },
    )


@require_POST
@role_required(*PLAN_WRITING_ROLES)
def treatment(request: HttpRequest, public_id: str) -> HttpResponse:
    plan = _plan_for(request, public_id, write=True, roles=PLAN_WRITING_ROLES)
    form = TreatmentDecisionForm(request.POST)
    if form.is_valid():
        try:
            treatment_decision_record(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                "Decision recorded on the plan. The patient sees it in plain words; no dose "
                "changed.",
            )
    else:
        messages.error(request, "Choose what was decided and the medicine, and say why.")
    return redirect("tapering:plan", public_id=plan.public_id)
