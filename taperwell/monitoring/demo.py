"""Demo: Maria's PDMP check this week (and her other monitoring up to date); James's urine drug
test more than a year ago, so it is overdue and shows as a low flag in triage. Safe to run again."""

from __future__ import annotations

from datetime import timedelta

from taperwell.clinics.models import Clinic, Role
from taperwell.monitoring.models import MonitoringRecord
from taperwell.monitoring.tasks import sweep_monitoring_now
from taperwell.patients.models import Patient
from taperwell.tapering.services import local_today


def load(clinic: Clinic) -> None:
    if MonitoringRecord.objects.filter(patient__clinic=clinic).exists():
        return
    doctor = clinic.memberships.filter(role=Role.CLINICIAN).select_related("user").first()
    maria = Patient.objects.filter(clinic=clinic, full_name="Maria Alvarez").first()
    james = Patient.objects.filter(clinic=clinic, full_name="James Carter").first()
    if doctor is None or maria is None or james is None:
        return
    today = local_today(clinic)
    rows = [
        (maria, "pdmp", 2, "expected", "One prescriber, one pharmacy; matches her list.", ""),
        (maria, "udt", 95, "expected", "Oxycodone present as prescribed.", ""),
        (maria, "agreement", 60, "", "Signed at the visit; reviewed the taper's pauses.", ""),
        (maria, "naloxone", 60, "", "Nasal naloxone 4 mg, two devices.", ""),
        (james, "pdmp", 40, "expected", "No other prescribers.", ""),
        (james, "udt", 400, "expected", "As prescribed.", ""),
    ]
    for patient, kind, days_ago, finding, summary, action in rows:
        MonitoringRecord.objects.create(
            patient=patient,
            by=doctor.user,
            kind=kind,
            done_on=today - timedelta(days=days_ago),
            finding=finding,
            summary=summary,
            action=action,
        )
    sweep_monitoring_now()
