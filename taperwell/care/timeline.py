"""The patient timeline: every series on one time axis, drawn as inline SVG on the server.

Every chart shares the same x scale (day to pixel), so a taper step drawn as a vertical line sits
at the same place in each; each chart has its own y axis with its unit. The dose line is a step
line (the dose of record holds until the day it changes), with the pre-taper baseline dashed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from taperwell.charts import DateScale, ValueScale, step_line
from taperwell.clinical.instruments import highest_total
from taperwell.tapering.schedule import schedule_of

if TYPE_CHECKING:
    from taperwell.care.models import Flag
    from taperwell.patients.models import Patient
    from taperwell.tapering.models import TaperPlan

WIDTH, HEIGHT, PAD = 1100, 120, 24
LEFT = 64  # room for the y-axis labels
FLAG_LANE = 46  # the height of the flags' own lane above the charts


@dataclass
class Series:
    title: str
    points: list[tuple[date, float]]
    low: float
    high: float
    summary: str
    unit: str = ""
    axis: str = ""  # the y axis's title, with its unit
    stepped: bool = False  # held until the next point (a dose), rather than joined by slopes


def _x(day: date, start: date, end: date) -> float:
    return DateScale(start, end, LEFT, WIDTH - LEFT - PAD).x(day)


def _y(value: float, low: float, high: float) -> float:
    return ValueScale(low, high, HEIGHT - PAD, HEIGHT - 2 * PAD, clamp=False).y(value)


def step_points(points: list[tuple[date, float]], end: date) -> list[tuple[date, float]]:
    """A value held until the next one: a corner at each change, and the last held to `end`."""
    return step_line(points, end)


def polyline(series: Series, start: date, end: date) -> str:
    points = step_points(series.points, end) if series.stepped else series.points
    return " ".join(
        f"{_x(d, start, end):.1f},{_y(v, series.low, series.high):.1f}" for d, v in points
    )


def y_ticks(series: Series) -> list[dict[str, Any]]:
    """Three labelled ticks on the y axis: bottom, middle and top of the series' range."""
    middle = (series.low + series.high) / 2
    return [
        {"y": round(_y(v, series.low, series.high), 1), "label": f"{v:g}"}
        for v in (series.low, middle, series.high)
    ]


FLAG_SHAPES = {"urgent": "diamond", "high": "triangle"}


def flag_marks(flags: list[Flag], start: date, end: date) -> list[dict[str, Any]]:
    """Each flag as a marker in the flags' lane: its shape by severity, stacked on the same day."""
    seen: dict[date, int] = {}
    marks = []
    for flag in flags:
        row = seen.get(flag.day, 0)
        seen[flag.day] = row + 1
        x, y = round(_x(flag.day, start, end), 1), 12 + 11 * min(row, 2)
        shape = FLAG_SHAPES.get(flag.severity, "circle")
        if shape == "diamond":
            path = f"M{x} {y - 6} L{x + 6} {y} L{x} {y + 6} L{x - 6} {y} Z"
        elif shape == "triangle":
            path = f"M{x} {y - 6} L{x + 6} {y + 5} L{x - 6} {y + 5} Z"
        else:
            path = ""
        marks.append({"x": x, "y": y, "shape": shape, "path": path, "flag": flag})
    return marks


def summary(title: str, values: list[float], unit: str = "") -> str:
    if not values:
        return f"{title}: no data in this period."
    first, last = values[0], values[-1]
    mean = sum(values) / len(values)
    return (
        f"{title}: {len(values)} values, from {first:g}{unit} to {last:g}{unit}, "
        f"average {mean:.1f}{unit}, lowest {min(values):g}, highest {max(values):g}."
    )


def build(patient: Patient, *, today: date, days: int = 120) -> dict[str, Any]:
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
    steps = [(step.start, step.document) for step in schedule_of(plan).steps]
    # The MME line is the dose of record on each day it can change, held until the next.
    records = dose_of_record_series(patient, start=start, end=today)
    mme_points: list[tuple[date, float]] = [
        (day, float(record.mme_per_day))
        for day, record in records.items()
        if record.mme_per_day is not None
    ]
    series = []
    baseline = _baseline_mme(plan)
    top = max([v for _, v in mme_points] + ([baseline] if baseline else []) or [1])
    series.append(
        Series(
            "MME a day (dose of record)",
            mme_points,
            0,
            _nice_top(top),
            "",
            " MME",
            axis="MME/day",
            stepped=True,
        )
    )
    for field, title, low, high in (
        ("pain", "Pain (0-10)", 0, 10),
        ("mood", "Mood (0-10, 10 best)", 0, 10),
        ("withdrawal", "Withdrawal (0-10)", 0, 10),
        ("sleep", "Sleep (0-10, 10 best)", 0, 10),
    ):
        points = [(c.day, getattr(c, field)) for c in checkins]
        series.append(Series(title, points, low, high, "", axis="0-10"))
    for instrument, title in (("peg", "PEG"), ("phq9", "PHQ-9"), ("gad7", "GAD-7")):
        high = highest_total(instrument)
        points = [(r.day, float(r.total)) for r in responses if r.instrument == instrument]
        series.append(Series(title, points, 0, high, "", axis=f"score 0-{high}"))
    from taperwell.checkins.care_links import practice_minutes_by_day

    minutes = practice_minutes_by_day(patient, start=start, end=today)
    series.append(
        Series(
            "Practice minutes",
            sorted(minutes.items()),
            0,
            _nice_top(max(minutes.values() or [30])),
            "",
            " min",
            axis="minutes",
        )
    )
    for s in series:
        s.summary = summary(s.title, [v for _, v in s.points], s.unit)
    if baseline:
        series[0].summary += f" Pre-taper baseline {baseline:g} MME a day."
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
    from taperwell.goals.models import Goal

    goals = list(Goal.objects.filter(patient=patient).order_by("pk")[:10])
    drawn = [
        {
            "series": s,
            "line": polyline(s, start, today),
            "ticks": y_ticks(s),
            "baseline": (
                {"y": round(_y(baseline, s.low, s.high), 1), "value": baseline}
                if baseline and s is series[0]
                else None
            ),
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
        "flags": flag_marks(flags, start, today),
        "flag_lane": FLAG_LANE,
        "left": LEFT,
        "right": WIDTH - PAD,
        "notes": notes,
        "goals": goals,
        "months": months,
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "plan": plan,
        "record": records.get(today),
    }


def _baseline_mme(plan: TaperPlan | None) -> float | None:
    """The plan's pre-taper MME a day (what the schedule started from), if it says."""
    value = schedule_of(plan).baseline_mme_per_day
    return float(value) if value is not None else None


def _nice_top(value: float) -> float:
    """A round top for the y axis a little above the highest value (10, 20, 50, 100, …)."""
    for step in (10, 20, 50, 100, 200, 500, 1000):
        if value <= step * 10:
            return float(step * (int(value * 1.05 // step) + 1))
    return value * 1.1
