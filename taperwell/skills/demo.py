"""The demo clinic's practice story: about 90 days of practice for each patient, and Maria's
flare plan. Idempotent: a patient who already has practice sessions is left as they are."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction

from taperwell.clinics.models import Clinic
from taperwell.patients.models import Patient
from taperwell.skills.models import FlarePlan, PracticeSession
from taperwell.skills.practices import load_practices
from taperwell.skills.selectors import clinic_today

DAYS = 90
# How often each demo patient practises (chance on a given day); others get a middle value.
HABIT = {
    "maria@example.org": 0.7,
    "james@example.org": 0.35,
    "linda@example.org": 0.15,
    "robert@example.org": 0.5,
    "dorothy@example.org": 0.25,
    "samuel@example.org": 0.45,
    "george@example.org": 0.6,  # keeps the skills going after his taper
}
MARIA_PLAN = {
    "warning_signs": (
        "My lower back locks up, I stop moving and I start thinking 'this will never end'."
    ),
    "first_steps": "Sit down and tell Luis I'm having a flare.\n"
    "Slow breathing with the pacer for 5 minutes.\n"
    "Heat pack on my back for 20 minutes.\n"
    "Short, gentle walk around the garden, even if slow.",
    "skills": (
        "Breathing pacer, noticing pain with curiosity, urge surfing if I want an extra pill."
    ),
    "people": "Luis (husband) 555-0142\nMy sister Carmen 555-0177",
    "comforts": "Warm shower, my playlist, sitting outside with coffee, the dog on my lap.",
    "call_clinic_when": "The pain is new or different, my leg goes numb, or the flare lasts "
    "more than 3 days.",
}


@transaction.atomic
def load(clinic: Clinic) -> None:
    practices = [p for p in load_practices(clinic.slug) if not p.is_lesson]
    today = clinic_today(clinic)
    patients = Patient.objects.filter(clinic=clinic, user__isnull=False).select_related("user")
    already = set(
        PracticeSession.objects.filter(patient__clinic=clinic)
        .values_list("patient_id", flat=True)
        .distinct()
    )
    rows = []
    for patient in patients:
        if patient.id in already:
            continue
        rng = random.Random(patient.user.email)  # noqa: S311 - demo data, the same on every load
        chance = HABIT.get(patient.user.email, 0.4)
        for offset in range(DAYS, 0, -1):
            if rng.random() > chance:
                continue
            practice = rng.choice(practices)
            pain = rng.randint(4, 8)
            distress = rng.randint(3, 8)
            rows.append(
                PracticeSession(
                    patient=patient,
                    practice_slug=practice.slug,
                    practice_title=practice.title,
                    day=today - timedelta(days=offset),
                    minutes=max(1, practice.minutes + rng.randint(-2, 3)),
                    pain_before=pain,
                    pain_after=max(0, pain - rng.choice((0, 1, 1, 2))),
                    distress_before=distress,
                    distress_after=max(0, distress - rng.choice((0, 1, 2, 2, 3))),
                )
            )
    PracticeSession.objects.bulk_create(rows)
    maria = patients.filter(user__email="maria@example.org").first()
    if maria is not None:
        FlarePlan.objects.get_or_create(patient=maria, defaults=MARIA_PLAN)
