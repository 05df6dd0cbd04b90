"""Ninety days of check-ins and questionnaires for the demo patients, the same every time.

Maria tapers and has a withdrawal bump after her latest step, and answered 1 on PHQ-9 item 9
three days ago; Jim tapers smoothly; Linda's mood is low; Bob paused; Dot is not tapering;
Sam joined five days ago.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from taperwell.checkins.models import CheckIn, QuestionnaireResponse, TaperReasons
from taperwell.checkins.selectors import clinic_today
from taperwell.clinical.instruments import get_instrument, score
from taperwell.clinics.models import Clinic
from taperwell.patients.models import Patient

DAYS = 90
SIGNS = ["yawning", "sweating", "runny-nose", "restless", "aches", "sleep", "anxious"]

# email → (story, days of history, fallback step offsets (days ago) when no plan is stored)
STORIES = {
    "maria@example.org": ("bump", DAYS, [62, 34, 6]),
    "james@example.org": ("smooth", DAYS, [70, 42, 14]),
    "linda@example.org": ("low-mood", DAYS, []),
    "robert@example.org": ("paused", DAYS, [55]),
    "dorothy@example.org": ("steady", DAYS, []),
    "samuel@example.org": ("new", 5, []),
    "george@example.org": ("maintenance", DAYS, []),
    "rosa@example.org": ("steady", DAYS, []),
}
# George checks in daily until his taper ended, then once a week (these days ago).
MAINTENANCE_SINCE = 20
WEEKLY_DAYS_AGO = {17, 10, 3}
REASONS = {
    "maria@example.org": "I want to think clearly again and be safe around my grandson. "
    "I worry about what the pills do to me long term.",
    "james@example.org": "My doctor and I agreed the dose is high. I want fewer side effects.",
    "robert@example.org": "I'd like to be on less, but slowly.",
    "samuel@example.org": "I feel foggy most days.",
}


def _clip(value: float) -> int:
    return max(0, min(10, round(value)))


def _day_values(story: str, ago: int, steps: list[int], rng: random.Random) -> dict:
    """One day's answers `ago` days before today, for a story."""
    pain, sleep, mood, withdrawal, craving = 6.0, 5.0, 6.0, 1.0, 2.0
    since_step = min((s - ago for s in steps if s >= ago), default=None)
    if story in {"bump", "smooth", "paused"} and since_step is not None and since_step <= 10:
        rise = 2.5 if since_step <= 4 else 1.0
        withdrawal += rise
        pain += 0.5
    if story == "bump" and since_step is not None and steps and ago <= steps[-1]:
        # The latest step: withdrawal climbs to 7-8 from day 2 for a few days, then eases.
        if 2 <= since_step <= 5:
            withdrawal, sleep, mood, craving = 7.5, 3.0, 3.5, 5.0
        elif since_step <= 6:
            withdrawal = 5.0
    if story == "smooth":
        pain -= (DAYS - ago) / DAYS * 1.0  # a little better over three months
        mood += (DAYS - ago) / DAYS * 1.0
    if story == "low-mood":
        mood = 4.5 - (DAYS - ago) / DAYS * 2.0
        sleep = 4.0
        pain = 6.5
    if story == "paused":
        pain = 7.0 if ago < 50 else 6.0
        withdrawal = max(withdrawal, 3.0 if ago < 50 else 1.0)
    if story == "steady":
        pain, mood = 5.0, 6.5
    if story == "maintenance":
        pain, sleep, mood, withdrawal, craving = 4.5, 6.0, 6.5, 0.5, 1.0
    noise = lambda: rng.uniform(-1.0, 1.0)  # noqa: E731
    values = {
        "pain": _clip(pain + noise()),
        "sleep": _clip(sleep + noise()),
        "mood": _clip(mood + noise()),
        "withdrawal": _clip(withdrawal + noise() * 0.6),
        "craving": _clip(craving + noise()),
    }
    values["withdrawal_signs"] = (
        rng.sample(SIGNS, k=min(len(SIGNS), values["withdrawal"] // 2))
        if values["withdrawal"] >= 3
        else []
    )
    values["prn_doses"] = 1 if values["pain"] >= 8 and rng.random() < 0.5 else 0
    return values


def daily_values(
    story: str, days: int, steps: list[int], rng: random.Random
) -> list[tuple[int, dict]]:
    """(days ago, answers) for each day with a check-in; a missed day now and then."""
    rows = []
    for ago in range(days, 0, -1):
        if story != "new" and rng.random() < 0.08:
            continue
        if story == "maintenance" and ago <= MAINTENANCE_SINCE and ago not in WEEKLY_DAYS_AGO:
            continue
        rows.append((ago, _day_values(story, ago, steps, rng)))
    return rows


def _answers(instrument: str, level: float, rng: random.Random) -> list[int]:
    """Plausible answers for an instrument at `level` (0..1 of its range)."""
    spec = get_instrument(instrument)
    answers = []
    for item in spec.scored_items:
        top = max(item.values)
        answers.append(max(0, min(top, round(level * top + rng.uniform(-0.6, 0.6)))))
    return answers


def _response(patient: Patient, instrument: str, day: date, answers: list[int]):
    spec = get_instrument(instrument)
    result = score(instrument, answers)
    return QuestionnaireResponse(
        patient=patient,
        instrument=spec.id,
        instrument_version=spec.version,
        day=day,
        answers=answers,
        total=Decimal(result.total),
        band=result.band or "",
        flags=list(result.flags),
    )


def _step_offsets(patient: Patient, today: date, fallback: list[int]) -> list[int]:
    from taperwell.tapering.selectors import dose_change_dates

    return [(today - d).days for d in dose_change_dates(patient) if d <= today] or fallback


@transaction.atomic
def load(clinic: Clinic) -> None:
    from taperwell.goals import demo as goals_demo

    goals_demo.load(clinic)
    patients = Patient.objects.filter(clinic=clinic, user__email__in=list(STORIES)).select_related(
        "user", "clinic"
    )
    today = clinic_today(clinic)
    for patient in patients:
        if (
            CheckIn.objects.filter(patient=patient).exists()
            or QuestionnaireResponse.objects.filter(patient=patient).exists()
        ):
            continue  # already loaded
        email = patient.user.email
        story, days, fallback = STORIES[email]
        # Days ago of each dose change, oldest first (so the last is the latest step).
        steps = sorted(_step_offsets(patient, today, fallback), reverse=True)
        rng = random.Random(f"taperwell-demo-{email}")  # noqa: S311 - made-up data
        checkins = [
            CheckIn(patient=patient, day=today - timedelta(days=ago), **values)
            for ago, values in daily_values(story, days, steps, rng)
        ]
        CheckIn.objects.bulk_create(checkins)
        responses = []
        tapering = story in {"bump", "smooth", "paused"}
        for ago in range(days, 0, -7):
            day = today - timedelta(days=ago)
            pain = 0.6 if story != "smooth" else 0.6 - (DAYS - ago) / DAYS * 0.15
            responses.append(_response(patient, "peg", day, _answers("peg", pain, rng)))
            if tapering:
                near = any(0 <= s - ago <= 6 for s in steps)
                level = 0.35 if (story == "bump" and near) else 0.12
                responses.append(_response(patient, "sows", day, _answers("sows", level, rng)))
        for ago in range(days, 0, -28):
            day = today - timedelta(days=ago)
            mood = 0.55 if story == "low-mood" else 0.25
            phq = _answers("phq9", mood, rng)
            phq[8] = 0
            responses.append(_response(patient, "phq9", day, phq))
            responses.append(_response(patient, "gad7", day, _answers("gad7", mood, rng)))
        if story == "bump":
            phq = _answers("phq9", 0.4, rng)
            phq[8] = 1  # "several days": the care team must call
            responses.append(_response(patient, "phq9", today - timedelta(days=3), phq))
        QuestionnaireResponse.objects.bulk_create(responses)
        if email in REASONS:
            TaperReasons.objects.get_or_create(
                patient=patient, defaults={"reasons": REASONS[email]}
            )
