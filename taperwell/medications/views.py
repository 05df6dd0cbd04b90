"""The care team's view of a patient's medicines and their review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from taperwell.access import care_team_required, patient_for_user, role_of, role_required
from taperwell.clinics.models import CLINICAL_ROLES, Role
from taperwell.medications.forms import MedicationForm, RiskProfileForm, StatusForm
from taperwell.medications.models import PatientMedication, RiskProfile
from taperwell.medications.selectors import (
    dose_of_record,
    medication_list,
    medication_review,
    naloxone_plan_of,
    naloxone_status,
)
from taperwell.medications.services import (
    medication_add,
    medication_set_status,
    medication_update,
    risk_profile_update,
)
from taperwell.tapering.engine import pack_for
from taperwell.tapering.selectors import current_plan

clinician_required = role_required(Role.CLINICIAN)


def _page(request: HttpRequest, patient, form: MedicationForm | None = None, status: int = 200):
    pack = pack_for(patient.clinic)
    plan = current_plan(patient)
    profile = RiskProfile.objects.filter(patient=patient).first()
    record = dose_of_record(patient, pack=pack)
    return render(
        request,
        "medications/list.html",
        {
            "patient": patient,
            "medications": medication_list(patient),
            "record": record,
            "replaced": {m.pk for m in record.replaced},
            "review": medication_review(patient, pack, tapering=plan is not None, record=record),
            "pack": pack,
            "naloxone_plan": naloxone_plan_of(patient),
            "naloxone": naloxone_status(patient, today=record.on),
            "can_edit": role_of(request.user) == Role.CLINICIAN,
            "can_record_risk": role_of(request.user) in CLINICAL_ROLES,
            "form": form or MedicationForm(),
            "risk_form": RiskProfileForm(instance=profile),
            "status_form": StatusForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@care_team_required
def medication_list_view(request: HttpRequest, public_id: str) -> HttpResponse:
    if request.method == "GET":
        patient = patient_for_user(request, public_id, what="medicines", roles=CLINICAL_ROLES)
        return _page(request, patient)
    patient = patient_for_user(
        request, public_id, what="medicines", write=True, roles={Role.CLINICIAN}
    )
    form = MedicationForm(request.POST)
    if form.is_valid():
        try:
            medication_add(patient=patient, by=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Medicine added.")
            return redirect("medications:list", public_id=patient.public_id)
    return _page(request, patient, form, status=400)


def _medication_for(request: HttpRequest, public_id: str) -> PatientMedication:
    med = PatientMedication.objects.filter(public_id=public_id).select_related("patient").first()
    if med is None:
        raise Http404("No such medicine")
    patient_for_user(
        request, med.patient.public_id, what="medicine", write=True, roles={Role.CLINICIAN}
    )
    return med


@require_http_methods(["GET", "POST"])
@clinician_required
def medication_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    med = _medication_for(request, public_id)
    form = MedicationForm(request.POST or None, instance=PatientMedication.objects.get(pk=med.pk))
    if request.method == "POST" and form.is_valid():
        try:
            medication_update(
                medication=med,
                by=request.user,
                reason=form.cleaned_data["reason"],
                **form.service_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Medicine changed.")
            return redirect("medications:list", public_id=med.patient.public_id)
    return render(
        request,
        "medications/edit.html",
        {"form": form, "medication": med, "patient": med.patient},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@clinician_required
def medication_status(request: HttpRequest, public_id: str) -> HttpResponse:
    med = _medication_for(request, public_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            medication_set_status(
                medication=med,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                on=_today(med.patient),
            )
            messages.success(request, "Medicine updated. The entry is kept in the history.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(
            request, "To mark it entered in error, give a reason and tick the box to confirm."
        )
    return redirect("medications:list", public_id=med.patient.public_id)


def _today(patient):
    from taperwell.tapering.services import local_today

    return local_today(patient.clinic)


@require_POST
@role_required(*CLINICAL_ROLES)
def risk_profile(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(
        request, public_id, what="risk history", write=True, roles=CLINICAL_ROLES
    )
    profile = RiskProfile.objects.filter(patient=patient).first()
    form = RiskProfileForm(request.POST, instance=profile)
    if form.is_valid():
        fields = {k: form.cleaned_data[k] for k in RiskProfileForm.Meta.fields}
        fields["ort_answers"] = form.cleaned_data["ort_text"]
        risk_profile_update(patient=patient, by=request.user, **fields)
        messages.success(request, "Risk history saved.")
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("medications:list", public_id=patient.public_id)
