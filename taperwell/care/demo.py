"""The care workspace's part of the demo: medicines, taper plans and open flags.

Idempotent: a patient who already has medicines on file is left as they are.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from taperwell.care.services import bumps_evaluate, flag_raise, note_create
from taperwell.clinics.models import Clinic, Membership, Role
from taperwell.medications.models import MedicationStatus, PatientMedication, RiskProfile
from taperwell.medications.selectors import active_medications
from taperwell.medications.services import medication_set_status
from taperwell.patients.models import Patient
from taperwell.tapering.engine import (
    pace_by_id,
    pack_for,
    policy_for_pace,
    regimen_from_medications,
)
from taperwell.tapering.models import RevisionKind
from taperwell.tapering.selectors import schedule_of
from taperwell.tapering.services import (
    local_today,
    plan_approve,
    plan_complete,
    plan_draft,
    plan_revise,
)

# drug, form, release, strength, unit, times, as needed (max a day), directions
MEDICINES = {
    "Maria Alvarez": [
        (
            "oxycodone",
            "tablet",
            "ER",
            "30",
            "mg",
            ["08:00", "20:00"],
            None,
            "One tablet every 12 hours",
        ),
        (
            "oxycodone",
            "tablet",
            "IR",
            "5",
            "mg",
            [],
            3,
            "One tablet up to three times a day for bad pain",
        ),
        (
            "gabapentin",
            "capsule",
            "",
            "300",
            "mg",
            ["08:00", "14:00", "22:00"],
            None,
            "Three times a day",
        ),
        ("alprazolam", "tablet", "", "0.5", "mg", ["22:00"], None, "At bedtime"),
    ],
    "James Carter": [
        ("morphine", "tablet", "ER", "30", "mg", ["08:00", "20:00"], None, "Every 12 hours"),
        ("naloxone", "spray", "", "4", "mg", [], 1, "For an overdose emergency"),
    ],
    "Linda Johnson": [
        (
            "tramadol",
            "tablet",
            "IR",
            "50",
            "mg",
            ["07:00", "12:00", "17:00", "22:00"],
            None,
            "Four times a day",
        ),
        ("sertraline", "tablet", "", "50", "mg", ["08:00"], None, "Once each morning"),
    ],
    "Robert Williams": [
        ("fentanyl", "patch", "", "25", "mcg/h", ["09:00"], None, "New patch every 3 days"),
        ("oxycodone", "tablet", "IR", "5", "mg", [], 2, "Up to twice a day for breakthrough pain"),
    ],
    "Dorothy Brown": [
        (
            "hydrocodone",
            "tablet",
            "IR",
            "10",
            "mg",
            ["08:00", "14:00", "20:00"],
            None,
            "Three times a day",
        ),
    ],
    "George Miller": [
        ("hydrocodone", "tablet", "IR", "5", "mg", ["08:00", "20:00"], None, "Twice a day"),
    ],
    "Rosa Delgado": [
        ("morphine", "tablet", "ER", "15", "mg", ["08:00", "20:00"], None, "Every 12 hours"),
    ],
    "Samuel Davis": [
        (
            "oxycodone",
            "tablet",
            "IR",
            "10",
            "mg",
            ["06:00", "12:00", "18:00", "23:00"],
            None,
            "Four times a day",
        ),
    ],
}

# George's finished taper: started this many days ago, finished this many days ago. (The
# standard plan from 10 MME reaches its last step on day 252: the lowest doses go slower.)
FINISHED_PLAN_DAYS = 300
FINISHED_DAYS_AGO = 20

# full name: (days since the plan started, pace, paused days ago or None)
PLANS = {
    "Maria Alvarez": (60, "standard", None),
    "James Carter": (75, "standard", 12),
    "Robert Williams": (35, "slowest", None),
    # Rosa reads Spanish: her plan, dose cards and steps show the Spanish pages in full.
    "Rosa Delgado": (20, "standard", None),
}

# full name: [(rule, severity, reason, action, days ago, source)]. Maria's flags (her PHQ-9
# answer, the withdrawal after her step) come from the bump rules over her demo check-ins.
FLAGS = {
    "James Carter": [
        (
            "withdrawal-severe",
            "high",
            "Withdrawal 8 or more for 3 days after the last step",
            "pause",
            2,
            "bump-rules",
        ),
    ],
    "Linda Johnson": [
        ("mood-low", "moderate", "Mood 3 or less on 5 of the last 7 days", "call", 4, "bump-rules"),
    ],
    "Robert Williams": [
        (
            "prn-over-plan",
            "moderate",
            "More as-needed doses than planned on 3 of the last 7 days, up to 4 a day",
            "call",
            1,
            "bump-rules",
        ),
    ],
}


def load(clinic: Clinic) -> None:
    clinician = (
        Membership.objects.filter(clinic=clinic, role=Role.CLINICIAN, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if clinician is None:
        return
    user = clinician.user
    today = local_today(clinic)
    for patient in Patient.objects.filter(clinic=clinic, full_name__in=MEDICINES):
        if patient.medications.exists():
            continue
        with transaction.atomic():
            _load_patient(patient, user, today)
    # The bump rules read the demo check-ins against the plans made above (idempotent).
    for patient in Patient.objects.filter(clinic=clinic, user__isnull=False):
        bumps_evaluate(patient=patient, today=today)


def _finished_taper(patient: Patient, user, today) -> None:
    """A standard-pace plan that ended three weeks ago: the medicine stopped, maintenance began."""
    plan = plan_draft(
        patient=patient,
        by=user,
        inputs={
            "guideline": pack_for(patient.clinic).id,
            "start_date": (today - timedelta(days=FINISHED_PLAN_DAYS)).isoformat(),
            "medications": regimen_from_medications(active_medications(patient)),
            "policy": policy_for_pace(pace_by_id("standard")),
        },
        patient_preference="Slowly, one small step a month.",
    )
    plan = plan_approve(
        plan=plan,
        by=user,
        agreement="10% of the starting dose a month, pause if needed.",
        today=today - timedelta(days=FINISHED_PLAN_DAYS),  # approved the day it began
    )
    last_step = schedule_of(plan).steps[-1].start
    finished_on = today - timedelta(days=FINISHED_DAYS_AGO)
    plan_complete(plan=plan, by=user, on=finished_on, reason="Last step reached; doing well.")
    for medication in active_medications(patient):
        medication_set_status(
            medication=medication,
            by=user,
            status=MedicationStatus.STOPPED,
            reason="Taper finished",
            on=last_step,
        )


def _load_patient(patient: Patient, user, today) -> None:
    started = today - timedelta(days=120)
    for drug, form, release, strength, unit, times, prn, directions in MEDICINES[patient.full_name]:
        PatientMedication.objects.create(
            patient=patient,
            drug=drug,
            form=form,
            release=release,
            strength=Decimal(strength),
            unit=unit,
            times=times,
            as_needed=prn is not None,
            max_prn_per_day=prn,
            directions=directions,
            started_on=started,
            created_by=user,
            updated_by=user,
        )
    RiskProfile.objects.get_or_create(
        patient=patient, defaults={"sleep_apnea": patient.full_name == "Maria Alvarez"}
    )
    if patient.full_name in PLANS:
        days, pace, paused = PLANS[patient.full_name]
        inputs = {
            "guideline": pack_for(patient.clinic).id,
            "start_date": (today - timedelta(days=days)).isoformat(),
            "medications": regimen_from_medications(active_medications(patient)),
            # The demo's stories step the scheduled doses first; as-needed maxima follow.
            "policy": {**policy_for_pace(pace_by_id(pace)), "as_needed_first": False},
        }
        plan = plan_draft(
            patient=patient,
            by=user,
            inputs=inputs,
            patient_preference="Wants to go slowly; worried about sleep. Ready to try.",
        )
        plan_approve(
            plan=plan,
            by=user,
            agreement="Agreed to start slowly and to pause if needed.",
            today=today - timedelta(days=days),  # approved the day it began
        )
        if paused is not None:
            plan_revise(
                plan=plan,
                by=user,
                kind=RevisionKind.PAUSE,
                on=today - timedelta(days=paused),
                reason="Family illness; holding this dose for now",
            )
    if patient.full_name == "George Miller":
        _finished_taper(patient, user, today)
    if patient.full_name == "Samuel Davis":
        plan_draft(
            patient=patient,
            by=user,
            inputs={
                "guideline": pack_for(patient.clinic).id,
                "start_date": (today + timedelta(days=7)).isoformat(),
                "medications": regimen_from_medications(active_medications(patient)),
                "policy": policy_for_pace(pace_by_id("patient-centred")),
            },
            patient_preference="Would like the smallest first steps.",
        )
    for rule, severity, reason, action, ago, source in FLAGS.get(patient.full_name, []):
        flag_raise(
            patient=patient,
            rule=rule,
            severity=severity,
            reason=reason,
            action=action,
            day=today - timedelta(days=ago),
            source=source,
        )
    note_create(
        patient=patient,
        author=user,
        body="Reviewed goals and the plan together. Patient knows how to reach us.",
    )
