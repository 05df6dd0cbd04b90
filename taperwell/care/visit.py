"""The visit view's reads: one screen a clinician takes in during a 15-minute visit.

Everything comes from selectors other pages already use (dose of record, naloxone, the plan in
force, open flags and their one-click action), plus two small reads of its own: the last 14 days
of check-ins as a strip and the latest PEG/PHQ-9/GAD-7 with their change. A fixed number of
queries, whatever the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from taperwell.clinical.instruments import highest_total

if TYPE_CHECKING:
    from taperwell.patients.models import Patient

STRIP_DAYS = 14
SCORED = ("peg", "phq9", "gad7")
FLAGS_SHOWN = 4  # the most serious first; the rest are one click away on the care page


@dataclass(frozen=True)
class Cell:
    """One day of one measure: its value (None when not reported) and a 0-3 level of concern."""

    day: date
    value: int | None
    level: int  # 0 = fine … 3 = worth a look; the colour, never the only cue (the value is shown)

    @property
    def text(self) -> str:
        return "no check-in" if self.value is None else str(self.value)


@dataclass(frozen=True)
class StripRow:
    title: str
    hint: str  # which end is better, read by screen readers with the row's name
    cells: list[Cell]


@dataclass(frozen=True)
class Score:
    instrument: str
    title: str
    out_of: int
    latest: Decimal | None
    latest_on: date | None
    band: str
    since_previous: Decimal | None
    since_baseline: Decimal | None
    baseline_on: date | None


def _level(value: int | None, *, high_is_bad: bool) -> int:
    """0-3 for the colour: how far toward the worse end of a 0-10 scale the value sits."""
    if value is None:
        return 0
    badness = value if high_is_bad else 10 - value
    if badness >= 8:
        return 3
    if badness >= 6:
        return 2
    if badness >= 4:
        return 1
    return 0


def checkin_strip(patient: Patient, *, today: date) -> tuple[list[date], list[StripRow]]:
    """The last 14 days (oldest first) and a row per measure: pain, mood, sleep, withdrawal,
    practice minutes and doses marked taken. Three queries."""
    from taperwell.checkins.care_links import practice_minutes_by_day
    from taperwell.checkins.models import CheckIn, EntryStatus
    from taperwell.medications.dose_cards import doses_taken_by_day

    start = today - timedelta(days=STRIP_DAYS - 1)
    days = [start + timedelta(days=n) for n in range(STRIP_DAYS)]
    by_day = {
        c.day: c
        for c in CheckIn.objects.filter(
            patient=patient, status=EntryStatus.CURRENT, day__gte=start, day__lte=today
        ).only("day", "pain", "mood", "sleep", "withdrawal")
    }
    rows = []
    for field, title, hint, high_is_bad in (
        ("pain", "Pain", "0-10, lower is better", True),
        ("mood", "Mood", "0-10, higher is better", False),
        ("sleep", "Sleep", "0-10, higher is better", False),
        ("withdrawal", "Withdrawal", "0-10, lower is better", True),
    ):
        cells = []
        for day in days:
            checkin = by_day.get(day)
            value = getattr(checkin, field) if checkin else None
            cells.append(Cell(day, value, _level(value, high_is_bad=high_is_bad)))
        rows.append(StripRow(title, hint, cells))
    minutes = practice_minutes_by_day(patient, start=start, end=today)
    rows.append(
        StripRow(
            "Practice",
            "minutes of coping-skill practice",
            # No practice is not a worry in itself; more practice shows as a calmer cell.
            [Cell(day, minutes.get(day, 0), 0 if minutes.get(day, 0) else 1) for day in days],
        )
    )
    taken = doses_taken_by_day(patient, start, today)
    rows.append(
        StripRow(
            "Doses marked taken",
            "times of day and as-needed doses the patient marked taken; not marking one is "
            "not a missed dose",
            # Marking is optional for the patient: an unmarked day is never a worry in itself.
            [Cell(day, taken.get(day, 0), 0) for day in days],
        )
    )
    return days, rows


def latest_scores(patient: Patient) -> list[Score]:
    """PEG, PHQ-9 and GAD-7: the latest total, its change from the one before and from the first
    (the baseline). One query."""
    from taperwell.checkins.models import EntryStatus, QuestionnaireResponse

    by_instrument: dict[str, list[QuestionnaireResponse]] = {name: [] for name in SCORED}
    rows = QuestionnaireResponse.objects.filter(
        patient=patient, status=EntryStatus.CURRENT, instrument__in=SCORED
    ).only("instrument", "day", "total", "band")
    for response in rows.order_by("day", "pk"):
        by_instrument[response.instrument].append(response)
    out_of = {name: highest_total(name) for name in ("peg", "phq9", "gad7")}
    titles = {"peg": "PEG", "phq9": "PHQ-9", "gad7": "GAD-7"}
    scores = []
    for name in SCORED:
        answers = by_instrument[name]
        latest = answers[-1] if answers else None
        previous = answers[-2] if len(answers) > 1 else None
        baseline = answers[0] if len(answers) > 1 else None
        scores.append(
            Score(
                instrument=name,
                title=titles[name],
                out_of=out_of[name],
                latest=latest.total if latest else None,
                latest_on=latest.day if latest else None,
                band=latest.band if latest else "",
                since_previous=latest.total - previous.total if latest and previous else None,
                since_baseline=latest.total - baseline.total if latest and baseline else None,
                baseline_on=baseline.day if baseline else None,
            )
        )
    return scores


def visit_summary(patient: Patient, *, today: date) -> dict[str, Any]:
    """Everything the visit view shows, except the banner (its own tag, which carries the
    naloxone status)."""
    from taperwell.care.selectors import open_flags, suggested_action
    from taperwell.medications.selectors import dose_of_record
    from taperwell.monitoring.selectors import monitoring_due
    from taperwell.monitoring.templatetags.monitoring_tags import labelled
    from taperwell.tapering.selectors import (
        current_plan,
        plan_steps_for_patient,
        schedule_of,
        step_position,
    )

    plan = current_plan(patient)
    flags = open_flags(patient)
    for flag in flags:
        flag.suggested = suggested_action(flag, plan=plan, patient=patient)  # type: ignore[attr-defined]
    days, strip = checkin_strip(patient, today=today)
    steps = plan_steps_for_patient(plan, today=today)
    following = schedule_of(plan).following(today)
    return {
        "record": dose_of_record(patient, on=today),
        "plan": plan,
        "position": step_position(plan, today=today),
        "steps": steps,
        "next_on": following.start if following else None,
        "days": days,
        "strip": strip,
        "scores": latest_scores(patient),
        "flags": flags[:FLAGS_SHOWN],
        "more_flags": max(len(flags) - FLAGS_SHOWN, 0),
        "monitoring": [labelled(item) for item in monitoring_due(patient, today=today)],
    }
