"""The patient's dose cards: mark a dose taken, undo it. Only the patient themself; POST only;
works with htmx (the cards come back as a fragment) and without JavaScript (back to the page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from taperwell.access import own_patient_record
from taperwell.medications.dose_cards import cards_context
from taperwell.medications.forms_doses import DoseTakenForm, DoseUndoForm
from taperwell.medications.selectors import active_medications, dose_of_record
from taperwell.medications.services import (
    DoseLogClosedError,
    DoseNotOnRecordError,
    doselog_record,
    doselog_undo,
)
from taperwell.patients.decorators import patient_page

if TYPE_CHECKING:
    from taperwell.patients.models import Patient

CHANGED = "Your plan changed since this page opened. Here are today's doses."


@require_POST
@patient_page
def dose_taken(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="dose marked taken", write=True)
    form = DoseTakenForm(request.POST)
    if form.is_valid():
        try:
            doselog_record(
                patient=patient,
                by=request.user,
                key=form.cleaned_data["key"],
                time=form.cleaned_data["time"] or "",
                line=form.cleaned_data["line"] or "",
            )
        except DoseNotOnRecordError:
            messages.info(request, CHANGED)
    return _answer(request, patient, form)


@require_POST
@patient_page
def dose_undo(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="dose mark undone", write=True)
    form = DoseUndoForm(request.POST)
    if form.is_valid():
        try:
            doselog_undo(patient=patient, by=request.user, key=form.cleaned_data["key"])
        except DoseLogClosedError:
            messages.info(request, "A new day has begun: yesterday's doses stay as they were.")
    return _answer(request, patient, form)


def _answer(request: HttpRequest, patient: Patient, form: Any) -> HttpResponse:
    where = (form.cleaned_data.get("next") if form.is_valid() else None) or "today"
    if not request.htmx:
        page = "checkins:medicines" if where == "medicines" else "today:today"
        return redirect(reverse(page) + "#doses")
    from taperwell.checkins.selectors import clinic_today
    from taperwell.tapering.selectors import current_plan, plan_steps_for_patient

    day = clinic_today(patient.clinic)
    record = dose_of_record(patient, on=day)
    steps = plan_steps_for_patient(current_plan(patient), today=day)
    # Today lists the other medicines under the cards; My medicines has its own list.
    others = active_medications(patient) if where == "today" else []
    doses = cards_context(
        patient, record=record, steps=steps, day=day, where=where, medications=others
    )
    return render(request, "medications/_dose_cards.html", {"doses": doses})
