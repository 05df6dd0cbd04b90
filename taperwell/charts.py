"""The one home of chart arithmetic for the inline SVG charts: where a day and a value sit, and
the series the charts draw (weekly averages and sums, a dose held as a step line).

Progress (`checkins/charts.py`), the care team's timeline (`care/timeline.py`) and the PDF
summary (`reports/svg.py`) each keep their own look and size, and place everything with these.
Instrument ranges come from the instrument data (`clinical.instruments.highest_total`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

Points = list[tuple[date, float]]


@dataclass(frozen=True)
class DateScale:
    """Days from `start` to `end` across `width` pixels from `left`. `clamp` pins days outside
    the period to its edges (the PDF); otherwise they fall outside the plot."""

    start: date
    end: date
    left: float
    width: float
    clamp: bool = False

    @property
    def span(self) -> int:
        return max((self.end - self.start).days, 1)

    def x(self, day: date) -> float:
        days = (day - self.start).days
        if self.clamp:
            days = min(max(days, 0), self.span)
        return self.left + self.width * days / self.span


@dataclass(frozen=True)
class ValueScale:
    """Values from `low` (at `bottom`, in pixels) up to `high` (`height` pixels higher). With
    `clamp`, a value outside the range is drawn at its edge."""

    low: float
    high: float
    bottom: float
    height: float
    clamp: bool = True

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1
        if self.clamp:
            value = min(max(value, self.low), self.high)
        return self.bottom - self.height * (value - self.low) / span


def weekly(
    values: Sequence[tuple[date, float]],
    *,
    start: date | None = None,
    end: date | None = None,
    total: bool = False,
) -> Points:
    """The average (or, with `total`, the sum) of each week, Monday first, dated at the week's
    middle. With `start` and `end`, only days in the period count, and a week still under way is
    dated no later than `end`."""
    buckets: dict[date, list[float]] = {}
    for day, value in values:
        if (start is None or start <= day) and (end is None or day <= end):
            monday = day - timedelta(days=day.weekday())
            buckets.setdefault(monday, []).append(float(value))
    out: Points = []
    for monday, vals in sorted(buckets.items()):
        middle = monday + timedelta(days=3)
        if end is not None:
            middle = min(middle, end)
        out.append((middle, sum(vals) if total else sum(vals) / len(vals)))
    return out


def step_line(
    points: Sequence[tuple[date, float]], end: date, *, every_day: bool = False
) -> Points:
    """A value held until the next one (a dose): a corner where it changes, the last value held
    to `end`. `every_day` puts a corner at every point, changed or not (the PDF's dose line,
    whose points are the days the dose could change)."""
    out: Points = []
    for day, value in points:
        if out and (every_day or out[-1][1] != value):
            out.append((day, out[-1][1]))
        out.append((day, value))
    if out and out[-1][0] < end:
        out.append((end, out[-1][1]))
    return out
