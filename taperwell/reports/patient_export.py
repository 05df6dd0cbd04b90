"""The patient's own export (right of access): a ZIP of FHIR JSON, CSV files and the PDF."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core import signing
from django.core.files.base import ContentFile
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn, QuestionnaireResponse
from taperwell.checkins.selectors import clinic_today
from taperwell.core import csv_safety
from taperwell.core.clock import export_time
from taperwell.fhir.export import patient_bundle
from taperwell.goals.models import Activity, Goal
from taperwell.medications.models import PatientMedication
from taperwell.reports.models import ExportStatus, PatientExport
from taperwell.reports.pdf import patient_summary_pdf
from taperwell.reports.summary import PATIENT_SECTIONS, visit_summary
from taperwell.skills.models import PracticeSession

if TYPE_CHECKING:
    from taperwell.patients.models import Patient

LINK_LIFETIME = timedelta(hours=48)
SALT = "taperwell.reports.export-download"

CSV_FILES: dict[str, tuple[Any, list[str]]] = {
    "checkins.csv": (
        CheckIn,
        [
            "day",
            "pain",
            "sleep",
            "mood",
            "withdrawal",
            "craving",
            "withdrawal_signs",
            "activity_text",
            "prn_doses",
            "self_harm_thoughts",
            "note",
            "status",
            "submitted_at",
        ],
    ),
    "questionnaires.csv": (
        QuestionnaireResponse,
        ["day", "instrument", "instrument_version", "answers", "total", "band", "status"],
    ),
    "medicines.csv": (
        PatientMedication,
        [
            "drug",
            "rxcui",
            "form",
            "release",
            "strength",
            "unit",
            "times",
            "as_needed",
            "max_prn_per_day",
            "directions",
            "status",
            "started_on",
            "stopped_on",
        ],
    ),
    "practice.csv": (
        PracticeSession,
        [
            "day",
            "practice_title",
            "minutes",
            "pain_before",
            "pain_after",
            "distress_before",
            "distress_after",
            "status",
        ],
    ),
    "goals.csv": (Goal, ["title", "why", "status", "created_at"]),
    "activities.csv": (Activity, ["goal__title", "title", "times_per_week", "status"]),
    "flags.csv": (Flag, ["day", "rule", "severity", "status", "reason"]),
}


def _cell(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, list):
        return json.dumps(value)
    if isinstance(value, datetime):
        return export_time(value, zone)  # the clinic's time, with its offset, never bare UTC
    return value


def _csv(model: type[Model], columns: list[str], patient: Patient) -> str:
    zone = ZoneInfo(patient.clinic.time_zone)
    buffer = io.StringIO()
    writer = csv_safety.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in model._default_manager.filter(patient=patient).order_by("pk").values_list(*columns):
        writer.writerow(_cell(v, zone) for v in row)
    return buffer.getvalue()


def _dose_log_csv(patient: Patient) -> str:
    from taperwell.medications.dose_cards import DOSE_LOG_COLUMNS, dose_log_rows

    buffer = io.StringIO()
    writer = csv_safety.writer(buffer, lineterminator="\n")
    writer.writerow(DOSE_LOG_COLUMNS)
    writer.writerows(dose_log_rows(patient))
    return buffer.getvalue()


def export_zip(patient: Patient) -> bytes:
    """The ZIP, its README and PDF in the patient's language."""
    from taperwell.core.language import language_for_patient

    with translation.override(language_for_patient(patient)):
        return _export_zip(patient)


def _export_zip(patient: Patient) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        bundle = patient_bundle(patient, today=clinic_today(patient.clinic))
        archive.writestr("fhir-bundle.json", json.dumps(bundle, indent=2))
        for name, (model, columns) in CSV_FILES.items():
            archive.writestr(name, _csv(model, columns, patient))
        archive.writestr("doses-taken.csv", _dose_log_csv(patient))
        # The patient's own summary: never the care team's flags or notes.
        sections = [key for key, _ in PATIENT_SECTIONS]
        archive.writestr(
            "visit-summary.pdf", patient_summary_pdf(visit_summary(patient, sections=sections))
        )
        archive.writestr(
            "README.txt",
            "\n".join(
                [
                    gettext("Your taperwell data."),
                    "",
                    gettext(
                        "fhir-bundle.json: your record in FHIR R4, the format health records use."
                    ),
                    gettext(
                        "*.csv: your check-ins, questionnaires, medicines, practice, goals and "
                        "flags, one row each, for a spreadsheet."
                    ),
                    gettext(
                        "doses-taken.csv: the doses you marked taken (and any you undid), in "
                        "your clinic's time."
                    ),
                    gettext("visit-summary.pdf: your last 90 days, in plain words."),
                    "",
                ]
            ),
        )
    return buffer.getvalue()


def export_build(export: PatientExport) -> PatientExport:
    """Make the file (called by the job queue). A failure is recorded, not raised."""
    try:
        data = export_zip(export.patient)
    except Exception as error:
        export.status = ExportStatus.FAILED
        export.error = type(error).__name__
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        return export
    export.file.save(f"taperwell-{export.public_id}.zip", ContentFile(data), save=False)
    export.status = ExportStatus.READY
    export.finished_at = timezone.now()
    export.expires_at = export.finished_at + LINK_LIFETIME
    export.save(update_fields=["file", "status", "finished_at", "expires_at"])
    return export


def download_token(export: PatientExport) -> str:
    return signing.dumps(str(export.public_id), salt=SALT)


def token_matches(export: PatientExport, token: str) -> bool:
    try:
        value = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.BadSignature:
        return False
    return value == str(export.public_id)
