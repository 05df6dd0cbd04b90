"""The care team's record of one patient: who they are, their consent, and their identity
fields (birth date, record number, phone, language), which any care-team member may correct."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from taperwell.access import care_team_required, patient_for_user
from taperwell.patients.forms import IDENTITY_FIELDS, IdentityForm
from taperwell.patients.models import Patient
from taperwell.patients.selectors import care_team_of
from taperwell.patients.services import patient_identity_update


@require_GET
@care_team_required
def patient_record(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(request, public_id)
    return _record(request, patient, IdentityForm(instance=patient))


def _record(
    request: HttpRequest, patient: Patient, form: IdentityForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "care/record.html",
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
    return redirect("care:record", public_id=patient.public_id)
