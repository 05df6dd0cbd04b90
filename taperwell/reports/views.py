"""Reports pages: the visit summary PDF, FHIR in and out, the patient's data, research export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import own_patient_record, patient_for_user, role_required
from taperwell.checkins.selectors import clinic_today
from taperwell.clinics.models import CLINICAL_ROLES, Role
from taperwell.core.db import reporting_reads
from taperwell.fhir.export import patient_bundle
from taperwell.fhir.inbound import BundleError, read_bundle
from taperwell.fhir.preview import import_preview
from taperwell.patients.decorators import patient_page
from taperwell.reports import research, services
from taperwell.reports.models import (
    ExportStatus,
    PatientExport,
    ResearchChoice,
    ResearchConsent,
    VisitNote,
)
from taperwell.reports.patient_export import download_token, token_matches
from taperwell.reports.pdf import patient_summary_pdf, summary_pdf
from taperwell.reports.summary import PATIENT_SECTIONS, visit_summary
from taperwell.reports.tasks import build_patient_export

MAX_UPLOAD = 2 * 1024 * 1024


class SectionsForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label=gettext_lazy("What to include"),
        choices=PATIENT_SECTIONS,
        widget=forms.CheckboxSelectMultiple,
        initial=[key for key, _ in PATIENT_SECTIONS],
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("A note for your next visit"),
        help_text=gettext_lazy("What would you like your clinician to know or talk about?"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ImportForm(forms.Form):
    bundle = forms.FileField(
        label="FHIR Bundle (JSON) from the health record",
        help_text="MedicationStatement or MedicationRequest entries.",
        required=False,
    )
    document = forms.CharField(widget=forms.HiddenInput, required=False)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- the care team ---------------------------------------------------------------------------


@require_GET
@role_required(*CLINICAL_ROLES)
def summary(request: HttpRequest, public_id: str) -> HttpResponse:
    from taperwell.care.selectors import can_read_notes

    patient = patient_for_user(
        request, public_id, what="visit summary PDF", export=True, roles=CLINICAL_ROLES
    )
    notes = can_read_notes(request.user, patient)
    return _pdf(summary_pdf(visit_summary(patient, notes=notes)), "visit-summary.pdf")


@require_GET
@role_required(*CLINICAL_ROLES)
def fhir_export(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(
        request, public_id, what="FHIR export", export=True, roles=CLINICAL_ROLES
    )
    bundle = patient_bundle(patient, today=clinic_today(patient.clinic))
    response = JsonResponse(bundle, content_type="application/fhir+json")
    response["Content-Disposition"] = 'attachment; filename="patient-bundle.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@role_required(Role.CLINICIAN)
def fhir_import(request: HttpRequest, public_id: str) -> HttpResponse:
    """Upload → a preview listing every entry (matched, unknown, skipped) → confirm adds."""
    patient = patient_for_user(
        request, public_id, what="FHIR medicine import", write=request.method == "POST"
    )
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"patient": patient, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bundle"]
        text = form.cleaned_data["document"]
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                form.add_error("bundle", "The file is larger than 2 MB.")
                return render(request, "reports/fhir_import.html", context, status=400)
            text = upload.read().decode("utf-8", errors="replace")
        if not text:
            form.add_error("bundle", "Choose a file to import.")
            return render(request, "reports/fhir_import.html", context, status=400)
        try:
            result = read_bundle(text)
        except BundleError as error:
            form.add_error("bundle", str(error))
            return render(request, "reports/fhir_import.html", context, status=400)
        preview = import_preview(patient, result)
        context.update(result=result, document=text, preview=preview)
        if "confirm" in request.POST:
            if not preview.same_person and not request.POST.get("same_person"):
                form.add_error(
                    None,
                    "This file may be someone else's record. Check the names and birth dates "
                    "below, then tick the box to confirm it belongs to this patient.",
                )
                return render(request, "reports/fhir_import.html", context, status=400)
            try:
                added = services.medicines_import(patient=patient, by=request.user, result=result)
            except ValidationError as error:
                form.add_error(None, "; ".join(error.messages))
                return render(request, "reports/fhir_import.html", context, status=400)
            by_hand = len(result.unknown) + len(result.undosed)
            messages.success(request, f"Added {len(added)} medicines; {by_hand} to add by hand.")
            return redirect("medications:list", public_id=patient.public_id)
    return render(request, "reports/fhir_import.html", context)


@require_GET
@role_required(Role.ADMIN)
def research_page(request: HttpRequest) -> HttpResponse:
    clinic = request.user.membership.clinic
    return _research_page(request, clinic)


def _research_page(request: HttpRequest, clinic, *, status: int = 200) -> HttpResponse:
    count = len(list(research.consenting_patients(clinic)))
    context = {
        "count": count,
        "minimum": research.MINIMUM_PARTICIPANTS,
        "enough": count >= research.MINIMUM_PARTICIPANTS,
        "dictionary": research.DICTIONARY,
        "notes": research.NOTES,
    }
    return render(request, "reports/research.html", context, status=status)


@require_GET
@role_required(Role.ADMIN)
def research_download(request: HttpRequest) -> HttpResponse:
    from taperwell.audit.models import AuditAction
    from taperwell.audit.services import audit_record

    clinic = request.user.membership.clinic
    try:
        with reporting_reads():  # the read replica when there is one
            data = research.research_export(clinic)
    except research.TooFewParticipants:
        return _research_page(request, clinic, status=409)
    audit_record(request=request, action=AuditAction.VIEW, what="research export (de-identified)")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="research-export.zip"'
    response["Cache-Control"] = "no-store"
    return response


# --- the patient -------------------------------------------------------------------------------


def _research_given(patient) -> bool:
    latest = ResearchConsent.objects.filter(patient=patient).order_by("-recorded_at", "-pk")
    row = latest.first()
    return row is not None and row.choice == ResearchChoice.GIVEN


@require_GET
@patient_page
def mine(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="my data")
    exports = list(PatientExport.objects.filter(patient=patient)[:5])
    for export in exports:
        export.link_token = download_token(export)
    return render(
        request,
        "reports/mine.html",
        {
            "patient": patient,
            "sections_form": SectionsForm(),
            "note_form": NoteForm(),
            "note": VisitNote.objects.filter(patient=patient).first(),
            "research_given": _research_given(patient),
            "exports": exports,
        },
    )


@require_GET
@patient_page
def my_summary(request: HttpRequest) -> HttpResponse:
    form = SectionsForm(request.GET or None)
    patient = own_patient_record(request, what="my visit summary PDF", export=True)
    if not form.is_valid():
        messages.error(request, gettext("Choose at least one part to include."))
        return redirect("reports:mine")
    summary_data = visit_summary(patient, sections=form.cleaned_data["sections"])
    return _pdf(patient_summary_pdf(summary_data), "my-visit-summary.pdf")


@require_POST
@patient_page
def my_note(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="my visit note", write=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.visit_note_create(patient=patient, body=form.cleaned_data["body"])
        messages.success(request, gettext("Saved. Your note will be in your visit summary."))
        return redirect("reports:mine")
    return render(
        request,
        "reports/mine.html",
        {
            "patient": patient,
            "sections_form": SectionsForm(),
            "note_form": form,
            "research_given": _research_given(patient),
            "exports": [],
        },
        status=400,
    )


@require_POST
@patient_page
def my_research(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="my research choice", write=True)
    given = request.POST.get("choice") == ResearchChoice.GIVEN
    services.research_consent_record(patient=patient, given=given)
    messages.success(
        request,
        gettext("Thank you. Your data may be used for research, without your name.")
        if given
        else gettext("Done. Your data will not be used in future research exports."),
    )
    return redirect("reports:mine")


@require_POST
@patient_page
def my_export_new(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="my data export", write=True)
    export = PatientExport.objects.create(patient=patient, requested_by=request.user)
    build_patient_export(export.pk)
    messages.success(
        request, gettext("We are preparing your file. Come back to this page in a minute.")
    )
    return redirect("reports:mine")


@require_GET
@patient_page
def my_export_download(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = own_patient_record(request, what="my data export download", export=True)
    export = PatientExport.objects.filter(patient=patient, public_id=public_id).first()
    if export is None or export.status != ExportStatus.READY or not export.file:
        raise Http404("No such export")
    if not token_matches(export, request.GET.get("t", "")):
        return render(request, "reports/expired.html", status=410)
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename="my-taperwell-data.zip"
    )
