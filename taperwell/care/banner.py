"""The banner at the top of every staff page of a patient: who this is and where they stand.

It reads the dose of record, naloxone, the plan in force and open flags, so it lives with the
care team's pages rather than in the base's `patients` app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse

from taperwell.care.selectors import open_flags
from taperwell.clinics.selectors import clinic_today
from taperwell.medications.selectors import dose_of_record, naloxone_status
from taperwell.patients.models import Patient, PatientStatus
from taperwell.tapering.models import PlanStatus, TaperPlan


@dataclass(frozen=True)
class Banner:
    """Who this is and where they stand, at the top of every staff page of a patient."""

    patient: Patient
    age: int | None
    dose: Any  # medications.selectors.DoseOfRecord
    naloxone: Any  # medications.selectors.NaloxoneStatus
    plan_state: str
    plan_url: str
    open_flags: list[Any]

    @property
    def urgent(self) -> bool:
        return any(flag.severity == "urgent" for flag in self.open_flags)


def patient_banner(patient: Patient, *, today: date | None = None) -> Banner:
    """One read for the banner: the dose of record, naloxone, the plan in force and open flags
    (about six queries, whatever the page)."""
    today = today or clinic_today(patient.clinic)
    dose = dose_of_record(patient, on=today)
    plans = list(
        TaperPlan.objects.filter(
            patient=patient, status__in=(PlanStatus.APPROVED, PlanStatus.PAUSED, PlanStatus.DRAFT)
        ).only("public_id", "status", "approved_at", "created_at")
    )
    in_force = [p for p in plans if p.status != PlanStatus.DRAFT]
    drafts = [p for p in plans if p.status == PlanStatus.DRAFT]
    if in_force:
        plan = max(in_force, key=lambda p: (p.approved_at is not None, p.approved_at))
        state = "Taper paused" if plan.status == PlanStatus.PAUSED else "Tapering"
        if dose.from_plan and dose.step_index:
            state += f", step {dose.step_index}"
    elif patient.status == PatientStatus.MAINTENANCE:
        state = "Taper finished (maintenance)"
    else:
        state = "No taper plan"
    if drafts:
        state += f"; {len(drafts)} draft{'s' if len(drafts) > 1 else ''} awaiting approval"
    return Banner(
        patient=patient,
        age=patient.age_on(today),
        dose=dose,
        naloxone=naloxone_status(patient, today=today),
        plan_state=state,
        plan_url=reverse("tapering:plans", args=[patient.public_id]),
        open_flags=open_flags(patient),
    )
