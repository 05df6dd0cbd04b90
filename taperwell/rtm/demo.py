"""Demo: care-team minutes logged this month for Maria (20, with a call) and James (15, with a
call). Safe to run again."""

from __future__ import annotations

from datetime import timedelta

from taperwell.clinics.models import Clinic, Role
from taperwell.patients.models import Patient
from taperwell.rtm.models import CareTimeEntry
from taperwell.tapering.services import local_today


def load(clinic: Clinic) -> None:
    if CareTimeEntry.objects.filter(patient__clinic=clinic).exists():
        return
    doctor = clinic.memberships.filter(role=Role.CLINICIAN).select_related("user").first()
    counsellor = clinic.memberships.filter(role=Role.BEHAVIOURAL_HEALTH).select_related("user")
    if doctor is None:
        return
    today = local_today(clinic)
    first = today.replace(day=1)

    def on(days_ago: int):
        return max(first, today - timedelta(days=days_ago))

    team = [doctor.user, counsellor.first().user if counsellor.exists() else doctor.user]
    rows = [
        ("Maria Alvarez", 0, "management", 5, 12, "Reviewed two weeks of check-ins and the PEG."),
        ("Maria Alvarez", 0, "call", 3, 8, "Called about sleep after the last step."),
        ("James Carter", 1, "management", 4, 11, "Reviewed check-ins; updated the flare plan."),
        ("James Carter", 0, "call", 1, 4, "Short call about the group session."),
    ]
    for name, who, kind, days_ago, minutes, what in rows:
        patient = Patient.objects.filter(clinic=clinic, full_name=name).first()
        if patient is None:
            continue
        CareTimeEntry.objects.create(
            patient=patient,
            by=team[who],
            kind=kind,
            on=on(days_ago),
            minutes=minutes,
            what=what,
        )
