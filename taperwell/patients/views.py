"""The patient's home page, and the care team's list and record of patients."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import (
    care_team_required,
    own_patient_record,
    patient_for_user,
    patients_listed,
)
from taperwell.checkins import care_links
from taperwell.checkins.selectors import (
    checkin_on,
    clinic_today,
    last_checkin_days,
    questionnaires_due,
)
from taperwell.goals.models import GoalStatus
from taperwell.goals.selectors import dose_milestone, goals_with_week
from taperwell.medications.dose_cards import cards_context
from taperwell.medications.selectors import (
    active_medications_of,
    dose_of_record,
    load_dose_rows,
    plan_in_force_of,
)
from taperwell.patients.decorators import patient_page
from taperwell.patients.forms import IDENTITY_FIELDS, IdentityForm
from taperwell.patients.models import Patient
from taperwell.patients.phase import checkin_every_days
from taperwell.patients.selectors import care_team_of, panel_for
from taperwell.patients.services import patient_identity_update
from taperwell.tapering.selectors import plan_change_notice

PANEL_PAGE_SIZE = 50


@require_GET
@patient_page
def today(request: HttpRequest) -> HttpResponse:
    """The patient's home: doses, the check-in, a practice, their goal, group, messages, team."""
    patient = own_patient_record(request, what="today page")
    day = clinic_today(patient.clinic)
    # The dose of record's rows also give the plan in force and the medicine list.
    load_dose_rows(patient)
    plan = plan_in_force_of(patient)
    checkin = checkin_on(patient, day)
    goals = [g for g in goals_with_week(patient, today=day) if g.status == GoalStatus.ACTIVE]
    steps = care_links.plan_steps(plan, today=day)
    every = checkin_every_days(patient)
    next_checkin = None
    if every > 1 and checkin is None:
        last = last_checkin_days([patient.pk]).get(patient.pk)
        next_checkin = last + timedelta(days=every) if last else None
    record = dose_of_record(patient, on=day)
    medications = active_medications_of(patient)
    return render(
        request,
        "patients/today.html",
        {
            "patient": patient,
            "care_team": care_team_of(patient),
            "day": day,
            "plan": plan,
            "steps": steps,
            "medications": [] if plan else medications,
            "record": record,
            # The dose cards, and what the patient marked taken today (one query).
            "doses": cards_context(
                patient, record=record, steps=steps, day=day, medications=medications
            ),
            "checkin": checkin,
            "checkin_every": every,
            # In maintenance: the day the next check-in is asked for (None: due now).
            "next_checkin": next_checkin if next_checkin and next_checkin > day else None,
            "due": questionnaires_due(patient, today=day, tapering=plan is not None),
            "practice": care_links.suggested_practice(patient, checkin=checkin, checkin_read=True),
            "goal": goals[0] if goals else None,
            "milestone": dose_milestone(plan, steps),
            "session": care_links.next_group_session(patient),
            "unread": care_links.unread_messages(request.user),
            "plan_notice": plan_change_notice(request.user),
            "pause_request": care_links.open_pause_request(patient),
        },
    )


@require_http_methods(["GET", "POST"])
@care_team_required
def panel(request: HttpRequest) -> HttpResponse:
    # A name search comes by POST: names stay out of addresses, history and access logs.
    mine_only = (request.POST or request.GET).get("mine") == "1"
    search = request.POST.get("q", "").strip()[:80]
    page = Paginator(
        panel_for(request.user, mine_only=mine_only, search=search), PANEL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    patients_listed(request, page.object_list, what="patient list")
    template = "patients/_panel_rows.html" if request.htmx else "patients/panel.html"
    return render(request, template, {"page": page, "mine_only": mine_only, "search": search})


@require_GET
@care_team_required
def patient_record(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(request, public_id)
    return _record(request, patient, IdentityForm(instance=patient))


def _record(request: HttpRequest, patient, form: IdentityForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "patients/record.html",
        {
            "patient": patient,
            "care_team": care_team_of(patient),
            "consent": patient.consents.first(),
            "identity_form": form,
        },
        status=status,
    )


@require_POST
@care_team_required
def identity_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Birth date, record number, phone and language: any care-team member may correct them."""
    patient = patient_for_user(request, public_id, what="patient identity", write=True)
    form = IdentityForm(request.POST, instance=Patient.objects.get(pk=patient.pk))
    if not form.is_valid():
        return _record(request, patient, form, status=400)
    changed = patient_identity_update(
        patient=patient, by=request.user, **{f: form.cleaned_data[f] for f in IDENTITY_FIELDS}
    )
    messages.success(request, "Saved." if changed else "Nothing changed.")
    return redirect("patients:record", public_id=patient.public_id)
