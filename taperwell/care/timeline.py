"""The patient timeline: every series on one time axis, drawn as inline SVG on the server.

Every chart shares the same x scale (day to pixel), so a taper step drawn as a vertical line sits
at the same place in each; each chart has its own y axis with its unit. The dose line is a step
line (the dose of record holds until the day it changes), with the pre-taper baseline dashed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from taperwell.charts import (
    Axis,
    DateScale,
    Frame,
    Series,
    ValueScale,
    column,
    line,
    number,
    shape_path,
    step_line,
)
from taperwell.tapering.schedule import schedule_of

if TYPE_CHECKING:
    from taperwell.care.models import Flag
    from taperwell.patients.models import Patient
    from taperwell.tapering.models import TaperPlan

# Room on the left for the y-axis labels; the same margin above and below the plot.
FRAME = Frame(width=1100, height=120, left=64, right=24, top=24, bottom=24)
FLAG_LANE = 46  # the height of the flags' own lane above the charts
# The check-in answers the timeline draws, in the order they are read; the day first.
CHECKIN_COLUMNS = ("day", "pain", "mood", "withdrawal", "sleep")


@dataclass
class Chart:
    """One chart of the timeline: a series on its own y axis."""

    series: Series
    values: Axis
    title: str
    summary: str = ""
    unit: str = ""
    axis: str = ""  # the y axis's title, with its unit
    stepped: bool = False  # held until the next point (a dose), rather than joined by slopes


def y_ticks(chart: Chart, values: ValueScale) -> list[dict[str, Any]]:
    """Three labelled ticks on the y axis: bottom, middle and top of the chart's range."""
    return [{"y": round(values.y(v), 1), "label": number(v)} for v in chart.values.ticks()]


FLAG_SHAPES = {"urgent": "diamond", "high": "triangle"}


def flag_marks(flags: list[Flag], days: DateScale) -> list[dict[str, Any]]:
    """Each flag as a marker in the flags' lane: its shape by severity, stacked on the same day."""
    seen: dict[date, int] = {}
    marks = []
    for flag in flags:
        row = seen.get(flag.day, 0)
        seen[flag.day] = row + 1
        x, y = round(days.x(flag.day), 1), 12 + 11 * min(row, 2)
        shape = FLAG_SHAPES.get(flag.severity, "circle")
        marks.append(
            {"x": x, "y": y, "shape": shape, "path": shape_path(shape, x, y, 6), "flag": flag}
        )
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
        .values_list(*CHECKIN_COLUMNS)
    )
    responses = list(
        QuestionnaireResponse.objects.filter(
            patient=patient, status=EntryStatus.CURRENT, day__gte=start
        )
        .order_by("day")
        .values_list("day", "instrument", "total")
    )
    from taperwell.medications.selectors import dose_of_record_series

    plan = current_plan(patient)
    steps = [(step.start, step.document) for step in schedule_of(plan).steps]
    # The MME line is the dose of record on each day it can change, held until the next.
    records = dose_of_record_series(patient, start=start, end=today)
    mme_points: list[tuple[date, float | None]] = [
        (day, None if record.mme_per_day is None else float(record.mme_per_day))
        for day, record in records.items()
    ]
    charts = []
    baseline = _baseline_mme(plan)
    known = [v for _, v in mme_points if v is not None]
    top = max(known + ([baseline] if baseline else []) or [1])
    charts.append(
        Chart(
            Series("MME a day (dose of record)", step_line(mme_points, today)),
            Axis(0, _nice_top(top)),
            "MME a day (dose of record)",
            unit=" MME",
            axis="MME/day",
            stepped=True,
        )
    )
    for field, title in (
        ("pain", "Pain (0-10)"),
        ("mood", "Mood (0-10, 10 best)"),
        ("withdrawal", "Withdrawal (0-10)"),
        ("sleep", "Sleep (0-10, 10 best)"),
    ):
        points = column(checkins, field, CHECKIN_COLUMNS)
        charts.append(Chart(Series(title, points, every=1), Axis(0, 10), title, axis="0-10"))
    for instrument, title in (("peg", "PEG"), ("phq9", "PHQ-9"), ("gad7", "GAD-7")):
        axis = Axis.of_instrument(instrument)
        points = [(d, float(total)) for d, kind, total in responses if kind == instrument]
        charts.append(Chart(Series(title, points), axis, title, axis=f"score 0-{axis.high:g}"))
    from taperwell.checkins.care_links import practice_minutes_by_day

    minutes = practice_minutes_by_day(patient, start=start, end=today)
    charts.append(
        Chart(
            Series("Practice minutes", sorted(minutes.items()), every=1),
            Axis(0, _nice_top(max(minutes.values() or [30]))),
            "Practice minutes",
            unit=" min",
            axis="minutes",
        )
    )
    for chart in charts:
        # The summary counts what was answered, not the corners of the dose's step line.
        answered = mme_points if chart.stepped else chart.series.points
        chart.summary = summary(chart.title, [v for _, v in answered if v is not None], chart.unit)
    if baseline:
        charts[0].summary += f" Pre-taper baseline {baseline:g} MME a day."
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
    x_scale = FRAME.days(start, today)  # `days` is the period's length
    drawn = []
    for chart in charts:
        values = FRAME.values(chart.values, clamp=False)
        placed = line(chart.series, x_scale, values)
        drawn.append(
            {
                "series": chart,
                "lines": placed.polylines,
                "ticks": y_ticks(chart, values),
                "baseline": (
                    {"y": round(values.y(baseline), 1), "value": baseline}
                    if baseline and chart is charts[0]
                    else None
                ),
                "dots": [
                    (round(dot.x, 1), round(dot.y, 1), dot.day, f"{dot.value:g}")
                    for dot in placed.dots
                ],
            }
        )
    marks = [
        {"x": round(x_scale.x(d), 1), "day": d, "step": step}
        for d, step in steps
        if x_scale.holds(d)
    ]
    months = [{"x": round(x_scale.x(m), 1), "label": m.strftime("%b")} for m in x_scale.months()]
    return {
        "start": start,
        "today": today,
        "charts": drawn,
        "steps": marks,
        "flags": flag_marks(flags, x_scale),
        "flag_lane": FLAG_LANE,
        "left": FRAME.left,
        "right": FRAME.plot_right,
        "notes": notes,
        "goals": goals,
        "months": months,
        "width": FRAME.width,
        "height": FRAME.height,
        "pad": FRAME.top,
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
