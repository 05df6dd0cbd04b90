"""The patient timeline: every series on one time axis, drawn as inline SVG on the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

WIDTH, HEIGHT, PAD = 720, 110, 28


@dataclass
class Series:
    title: str
    points: list[tuple[date, float]]
    low: float
    high: float
    summary: str
    unit: str = ""


def _x(day: date, start: date, end: date) -> float:
    span = max((end - start).days, 1)
    return PAD + (WIDTH - 2 * PAD) * (day - start).days / span


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1
    return HEIGHT - PAD + -((HEIGHT - 2 * PAD) * (value - low) / span)


def polyline(series: Series, start: date, end: date) -> str:
    return " ".join(
        f"{_x(d, start, end):.1f},{_y(v, series.low, series.high):.1f}" for d, v in series.points
    )


def summary(title: str, values: list[float], unit: str = "") -> str:
    if not values:
        return f"{title}: no data in this period."
    first, last = values[0], values[-1]
    mean = sum(values) / len(values)
    return (
        f"{title}: {len(values)} values, from {first:g}{unit} to {last:g}{unit}, "
        f"average {mean:.1f}{unit}, lowest {min(values):g}, highest {max(values):g}."
    )


def build(patient: Any, *, today: date, days: int = 120) -> dict[str, Any]:
    from taperwell.care.models import Flag
    from taperwell.checkins.models import CheckIn, EntryStatus, QuestionnaireResponse
    from taperwell.tapering.selectors import current_plan

    start = today - timedelta(days=days)
    checkins = list(
        CheckIn.objects.filter(patient=patient, status=EntryStatus.CURRENT, day__gte=start)
        .order_by("day")
        .only("day", "pain", "mood", "withdrawal", "sleep", "craving")
    )
    responses = list(
        QuestionnaireResponse.objects.filter(
            patient=patient, status=EntryStatus.CURRENT, day__gte=start
        )
        .order_by("day")
        .only("day", "instrument", "total")
    )
    from taperwell.medications.selectors import dose_of_record_series

    plan = current_plan(patient)
    steps = []
    if plan is not None and plan.schedule:
        steps = [
            (date.fromisoformat(step["start_date"]), step)
            for step in plan.schedule.get("steps", [])
        ]
    # The MME line is the dose of record on each day it can change, held until the next.
    records = dose_of_record_series(patient, start=start, end=today)
    mme_points: list[tuple[date, float]] = [
        (day, float(record.mme_per_day))
        for day, record in records.items()
        if record.mme_per_day is not None
    ]
    series = []
    top = max([v for _, v in mme_points] or [1])
    series.append(Series("MME a day (dose of record)", mme_points, 0, top * 1.1, "", " MME"))
    for field, title, low, high in (
        ("pain", "Pain (0-10)", 0, 10),
        ("mood", "Mood (0-10, 10 best)", 0, 10),
        ("withdrawal", "Withdrawal (0-10)", 0, 10),
        ("sleep", "Sleep (0-10, 10 best)", 0, 10),
    ):
        series.append(Series(title, [(c.day, getattr(c, field)) for c in checkins], low, high, ""))
    for instrument, title, high in (
        ("peg", "PEG", 10),
        ("phq9", "PHQ-9", 27),
        ("gad7", "GAD-7", 21),
    ):
        points = [(r.day, float(r.total)) for r in responses if r.instrument == instrument]
        series.append(Series(title, points, 0, high, ""))
    minutes: dict[date, int] = {}
    try:
        from taperwell.checkins.care_links import practice_minutes_by_day

        minutes = practice_minutes_by_day(patient, start=start, end=today)
    except (ImportError, TypeError):  # the skills log is not there yet
        minutes = {}
    series.append(
        Series("Practice minutes", sorted(minutes.items()), 0, max(minutes.values() or [30]), "")
    )
    for s in series:
        s.summary = summary(s.title, [v for _, v in s.points], s.unit)
    flags = list(
        Flag.objects.filter(patient=patient, day__gte=start)
        .order_by("day")
        .only("day", "severity", "rule", "reason", "status")
    )
    from taperwell.care.models import ClinicalNote

    notes = list(
        ClinicalNote.objects.filter(patient=patient, created_at__date__gte=start)
        .select_related("author")
        .order_by("created_at")
    )
    goals = []
    try:
        from taperwell.goals.models import Goal

        goals = list(Goal.objects.filter(patient=patient).order_by("pk")[:10])
    except (ImportError, Exception):
        goals = []
    drawn = [
        {
            "series": s,
            "line": polyline(s, start, today),
            "dots": [
                (round(_x(d, start, today), 1), round(_y(v, s.low, s.high), 1), d, v)
                for d, v in s.points
            ],
        }
        for s in series
    ]
    marks = [
        {"x": round(_x(d, start, today), 1), "day": d, "step": step}
        for d, step in steps
        if start <= d <= today
    ]
    flag_marks = [{"x": round(_x(f.day, start, today), 1), "flag": f} for f in flags]
    months = []
    cursor = date(start.year, start.month, 1)
    while cursor <= today:
        if cursor >= start:
            months.append({"x": round(_x(cursor, start, today), 1), "label": cursor.strftime("%b")})
        cursor = date(cursor.year + (cursor.month // 12), cursor.month % 12 + 1, 1)
    return {
        "start": start,
        "today": today,
        "charts": drawn,
        "steps": marks,
        "flags": flag_marks,
        "notes": notes,
        "goals": goals,
        "months": months,
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "plan": plan,
        "record": records.get(today),
    }
