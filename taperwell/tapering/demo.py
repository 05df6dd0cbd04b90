"""Demo: Bob (Robert Williams) has taken more as-needed doses than planned on most days; his
clinician talked with him about medication treatment and he chose to move to buprenorphine, with
a referral to plan the change (a treatment decision on his plan; no dose changed). Safe to run
again. Runs after `care`, which makes the demo plans."""

from __future__ import annotations

from datetime import timedelta

from taperwell.clinics.models import Clinic, Role
from taperwell.patients.models import Patient
from taperwell.tapering.models import TaperEvent, TaperEventKind
from taperwell.tapering.selectors import current_plan
from taperwell.tapering.services import local_today
from taperwell.tapering.treatment import (
    TreatmentMedicine,
    TreatmentStep,
    treatment_decision_record,
)


def load(clinic: Clinic) -> None:
    bob = Patient.objects.filter(clinic=clinic, full_name="Robert Williams").first()
    doctor = (
        clinic.memberships.filter(role=Role.CLINICIAN, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if bob is None or doctor is None:
        return
    if TaperEvent.objects.filter(plan__patient=bob, kind=TaperEventKind.TREATMENT).exists():
        return
    plan = current_plan(bob)
    if plan is None:
        return
    treatment_decision_record(
        plan=plan,
        by=doctor.user,
        oud_concern=True,
        step=TreatmentStep.TRANSITION,
        medicine=TreatmentMedicine.BUPRENORPHINE,
        on=local_today(clinic) - timedelta(days=1),
        reason=(
            "More as-needed doses than planned on most days this month; says the cravings "
            "are hard and asked for help. Talked about opioid use disorder and treatment; he "
            "chose buprenorphine. Referred to addiction medicine to plan the change."
        ),
    )
