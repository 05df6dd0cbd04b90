"""Reads of patients for lists and pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet

from taperwell.access import patients_visible_to
from taperwell.clinics.selectors import clinic_today
from taperwell.patients.models import CareTeamMember, Patient, PatientStatus

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.clinics.models import Clinic


def panel_for(user: User, *, mine_only: bool = False, search: str = "") -> QuerySet[Patient]:
    """The patients a care-team member sees in their list, with care teams in one extra query."""
    patients = patients_visible_to(user)
    if mine_only:
        patients = patients.filter(care_team__member__user=user)
    if search:
        patients = patients.filter(
            Q(full_name__icontains=search) | Q(preferred_name__icontains=search)
        )
    return patients.prefetch_related(
        Prefetch("care_team", queryset=CareTeamMember.objects.select_related("member__user"))
    ).order_by("full_name")


def care_team_of(patient: Patient) -> list[CareTeamMember]:
    return list(patient.care_team.select_related("member__user").order_by("role"))


def record_number_taken(clinic: Clinic, number: str, *, patient: Patient | None = None) -> bool:
    """Is this record number (MRN) already another patient's at the clinic?"""
    others = Patient.objects.filter(clinic=clinic, record_number=number.strip())
    if patient is not None:
        others = others.exclude(pk=patient.pk)
    return bool(number.strip()) and others.exists()


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
    from django.urls import reverse

    from taperwell.care.selectors import open_flags
    from taperwell.medications.selectors import dose_of_record, naloxone_status
    from taperwell.tapering.models import PlanStatus, TaperPlan

    today = today or _clinic_today(patient)
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


def _clinic_today(patient: Patient) -> date:
    return clinic_today(patient.clinic)
