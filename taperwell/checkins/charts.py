"""Small server-drawn SVG charts (no network, no script) with a table and a sentence behind each."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from taperwell import charts
from taperwell.charts import DateScale, ValueScale

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 12, 28


@dataclass
class Chart:
    key: str
    title: str
    summary: str
    value_label: str
    rows: list[tuple[str, str]]  # (period, value) for the table
    y_max: float
    points: list[tuple[float, float]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    markers: list[tuple[float, str]] = field(default_factory=list)
    bars: bool = False
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)

    @property
    def bar_width(self) -> float:
        return max(4.0, (WIDTH - LEFT - RIGHT) / max(len(self.points), 1) * 0.6)

    @property
    def bar_rects(self) -> list[tuple[float, float, float]]:
        """(x, y, height) of each bar, centred on its point."""
        half = self.bar_width / 2
        return [(x - half, y, HEIGHT - BOTTOM - y) for x, y in self.points]

    @property
    def baseline_y(self) -> float:
        return HEIGHT - BOTTOM

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return WIDTH - RIGHT


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def draw(
    chart: Chart,
    series: Sequence[tuple[date, float]],
    *,
    start: date,
    end: date,
    markers: Sequence[date] = (),
) -> Chart:
    """Place `series` on the chart between `start` and `end` (dates) and 0..y_max (values)."""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    days = DateScale(start, end, LEFT, inner_w)
    values = ValueScale(0, chart.y_max, TOP + inner_h, inner_h)
    span = days.span
    x_of, y_of = days.x, values.y

    chart.points = [(x_of(day), y_of(value)) for day, value in series]
    # Whole-number ticks, each drawn where its own value sits (45.4 and 90.8 read as precision
    # the numbers do not have).
    whole = sorted({0, round(chart.y_max / 2), math.floor(chart.y_max)})
    chart.y_ticks = [(y_of(v), str(v)) for v in whole]
    middle = start + timedelta(days=span // 2)
    chart.x_ticks = [(x_of(d), f"{d:%b} {d.day}") for d in (start, middle, end)]
    chart.markers = [(x_of(d), f"{d:%b} {d.day}") for d in markers if start <= d <= end]
    return chart


def weekly(
    values: Sequence[tuple[date, float]], *, start: date, end: date
) -> list[tuple[date, float]]:
    """Average by week (Monday first), dated at the week's middle, or its last day so far."""
    return charts.weekly(values, start=start, end=end)


def weekly_sum(
    values: Sequence[tuple[date, float]], *, start: date, end: date
) -> list[tuple[date, float]]:
    return charts.weekly(values, start=start, end=end, total=True)


def month_change(
    values: Sequence[tuple[date, float]], *, today: date, name: str, lower_is_better: bool
) -> str:
    """'Your average pain this month was 5.2, down from 6.1.'"""
    recent = [v for d, v in values if today - timedelta(days=30) < d <= today]
    before = [v for d, v in values if today - timedelta(days=60) < d <= today - timedelta(days=30)]
    if not recent:
        return f"No {name} entries in the last month yet."
    now = Decimal(sum(recent) / len(recent)).quantize(Decimal("0.1"))
    text = f"Your average {name} this month was {now}"
    if before:
        then = Decimal(sum(before) / len(before)).quantize(Decimal("0.1"))
        if now == then:
            return f"{text}, the same as the month before."
        # No praise here: a tenth of a point is noise, not an achievement. Effort (check-ins,
        # practice) gets the kind words on the Progress page instead.
        direction = "down" if now < then else "up"
        return f"{text}, {direction} from {then}."
    return f"{text}."
