"""A large panel of made-up patients, bulk-inserted: for benchmarks and query-count tests.

Each patient gets `days` daily check-ins up to `today`, one oxycodone ER medicine, a moderate
flag for every `flag_every`-th patient and an approved plan for every `plan_every`-th.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn
from taperwell.clinics.models import Clinic, Membership
from taperwell.medications.models import PatientMedication
from taperwell.patients.models import CareTeamMember, Patient, PatientStatus
from taperwell.tapering.models import PlanStatus, TaperPlan

CHUNK = 200  # patients per check-in batch, so a year each stays within memory


def panel_bulk_create(
    *,
    clinic: Clinic,
    size: int,
    days: int,
    today: date,
    doctor: Membership | None = None,
    schedule: dict[str, Any] | None = None,
    inputs: dict[str, Any] | None = None,
    first_number: int = 0,
    flag_every: int = 4,
    plan_every: int = 2,
) -> list[Patient]:
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, full_name=f"Panel Patient {n:05d}", status=PatientStatus.ACTIVE)
        for n in range(first_number, first_number + size)
    )
    if doctor is not None:
        CareTeamMember.objects.bulk_create(
            CareTeamMember(patient=p, member=doctor, role="primary") for p in patients
        )
    for start in range(0, len(patients), CHUNK):
        CheckIn.objects.bulk_create(
            (
                CheckIn(
                    patient=p,
                    day=today - timedelta(days=d),
                    pain=4 + (d + p.pk) % 3,
                    sleep=6,
                    mood=6,
                    withdrawal=2,
                    craving=1,
                )
                for p in patients[start : start + CHUNK]
                for d in range(days)
            ),
            batch_size=5000,
        )
    PatientMedication.objects.bulk_create(
        PatientMedication(
            patient=p,
            drug="oxycodone",
            form="tablet",
            release="ER",
            strength=30,
            unit="mg",
            times=["08:00", "20:00"],
        )
        for p in patients
    )
    Flag.objects.bulk_create(
        Flag(
            patient=p,
            rule="pain-worse",
            severity="moderate",
            rank=2,
            reason="Pain up",
            day=today,
            source="bump-rules",
        )
        for p in patients[::flag_every]
    )
    if schedule is not None:
        TaperPlan.objects.bulk_create(
            TaperPlan(patient=p, status=PlanStatus.APPROVED, schedule=schedule, inputs=inputs or {})
            for p in patients[::plan_every]
        )
    return patients
