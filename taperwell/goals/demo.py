"""Goals and weekly steps for the demo patients, with the days they did them. Idempotent."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction

from taperwell.checkins.selectors import clinic_today
from taperwell.clinics.models import Clinic
from taperwell.goals.models import Activity, ActivityDone, Goal
from taperwell.patients.models import Patient

# email → [(goal, why, [(step, times a week), ...]), ...]
GOALS = {
    "maria@example.org": [
        (
            "Play on the floor with my grandson",
            "He is two and growing fast. I don't want to miss it.",
            [("Sit on the floor for 2 minutes", 4), ("Walk to the corner and back", 3)],
        )
    ],
    "james@example.org": [
        ("Get back to fishing with my brother", "", [("Stand and cast in the yard", 3)]),
        ("Sleep through the night", "", [("Phone off at 10 pm", 5)]),
    ],
    "linda@example.org": [
        ("Go to church on Sundays again", "My friends are there.", [("Call Rose", 2)]),
    ],
    "robert@example.org": [
        ("Work in the garden", "", [("Water the tomatoes", 5), ("Weed one row", 2)]),
    ],
    "dorothy@example.org": [
        ("Walk the dog around the block", "", [("Walk to the mailbox", 5)]),
    ],
    "samuel@example.org": [
        ("Cook dinner for my wife", "", [("Make one simple meal", 2)]),
    ],
    "george@example.org": [
        (
            "Take my granddaughter to the lake",
            "She asks every summer. This year I want to say yes.",
            [("Walk the long way round the park", 4), ("Ten minutes of stretches", 3)],
        )
    ],
    # Rosa writes in Spanish: her goals are her own words.
    "rosa@example.org": [
        (
            "Cocinar tamales con mis hijas en diciembre",
            "Es nuestra tradición y quiero estar de pie en la cocina con ellas.",
            [("Estar de pie 10 minutos mientras cocino", 4), ("Caminar después de comer", 3)],
        )
    ],
}
DAYS = 90


@transaction.atomic
def load(clinic: Clinic) -> None:
    today = clinic_today(clinic)
    patients = Patient.objects.filter(clinic=clinic, user__email__in=list(GOALS)).select_related(
        "user"
    )
    for patient in patients:
        if Goal.objects.filter(patient=patient).exists():
            continue
        email = patient.user.email
        rng = random.Random(f"taperwell-goals-{email}")  # noqa: S311 - made-up data
        history = 5 if email.startswith("samuel") else DAYS
        done = []
        for title, why, steps in GOALS[email]:
            goal = Goal.objects.create(patient=patient, title=title, why=why)
            for step, per_week in steps:
                activity = Activity.objects.create(
                    patient=patient, goal=goal, title=step, times_per_week=per_week
                )
                for ago in range(history, 0, -1):
                    if rng.random() < per_week / 7 * 0.8:
                        done.append(
                            ActivityDone(
                                patient=patient,
                                activity=activity,
                                day=today - timedelta(days=ago),
                            )
                        )
        ActivityDone.objects.bulk_create(done)
