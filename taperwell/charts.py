"""The one chart module for the inline SVG charts: the frame a chart is drawn in, where a day and
a value sit, the series the charts draw (weekly averages and sums, a dose held as a step line),
how a line breaks where a day is missing, and the shapes that tell series apart.

Progress (`checkins/charts.py`), the care team's timeline (`care/timeline.py`) and the PDF
summary (`reports/svg.py`) each keep their own look and size, and draw everything with these.
Instrument ranges come from the instrument data (`Axis.of_instrument`), never typed in again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from taperwell.clinical.instruments import highest_total

Points = list[tuple[date, float]]
# A point whose value is None is a day known to be missing: the line breaks there.
MaybePoints = Sequence[tuple[date, float | None]]


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

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def ticks(self) -> tuple[date, date, date]:
        """The days labelled under a chart: its first, its middle and its last."""
        return self.start, self.start + timedelta(days=(self.end - self.start).days // 2), self.end

    def months(self) -> list[date]:
        """The first day of each month inside the period."""
        out = []
        cursor = date(self.start.year, self.start.month, 1)
        while cursor <= self.end:
            if cursor >= self.start:
                out.append(cursor)
            cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        return out


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


@dataclass(frozen=True)
class Axis:
    """The range of a chart's values, from `low` to `high`."""

    low: float
    high: float

    @classmethod
    def of_instrument(cls, instrument_id: str) -> Axis:
        """0 to the highest total the instrument can give (PHQ-9 27, GAD-7 21, …)."""
        return cls(0, highest_total(instrument_id))

    def ticks(self, *, whole: bool = False) -> list[float]:
        """Bottom, middle and top. `whole` rounds them to whole numbers, each drawn where its
        own value sits (45.4 and 90.8 read as precision the numbers do not have)."""
        middle = (self.low + self.high) / 2
        if whole:
            return sorted({self.low, round(middle), math.floor(self.high)})
        return [self.low, middle, self.high]


@dataclass(frozen=True)
class Frame:
    """A chart's size in pixels and the margins around its plot (room for the ticks)."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def plot_right(self) -> float:
        return self.width - self.right

    @property
    def baseline(self) -> float:
        """The y of the plot's bottom edge, where bars stand."""
        return self.height - self.bottom

    @property
    def inner_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> float:
        return self.height - self.top - self.bottom

    def days(self, start: date, end: date, *, clamp: bool = False) -> DateScale:
        return DateScale(start, end, self.left, self.inner_width, clamp=clamp)

    def values(self, axis: Axis, *, clamp: bool = True) -> ValueScale:
        return ValueScale(axis.low, axis.high, self.baseline, self.inner_height, clamp=clamp)


@dataclass(frozen=True)
class Series:
    """A named run of values by day. `every` is the most days a series expects between two
    points (1 for a daily answer, 7 for a weekly average): points further apart leave a gap
    rather than a slope through days nobody answered. None joins the points whatever their
    spacing (a questionnaire taken now and then)."""

    name: str
    points: MaybePoints
    every: int | None = None


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    day: date
    value: float


@dataclass(frozen=True)
class Line:
    """A series placed on a chart: its unbroken runs (in pixels) and a dot for each value."""

    runs: tuple[tuple[tuple[float, float], ...], ...]
    dots: tuple[Dot, ...]

    @property
    def polylines(self) -> list[str]:
        """Each run as an SVG `points` attribute ("x,y x,y"); a run of one point has no line."""
        return [" ".join(f"{x:.1f},{y:.1f}" for x, y in run) for run in self.runs if len(run) > 1]


def runs(points: MaybePoints, *, every: int | None = None) -> list[Points]:
    """`points` cut into the runs a line joins: a None value, or two days more than `every`
    apart, ends one run and the next value starts another."""
    out: list[Points] = []
    last: date | None = None
    for day, value in points:
        if value is None:
            last = None
            continue
        gap = every is not None and last is not None and (day - last).days > every
        if last is None or gap or not out:
            out.append([])
        out[-1].append((day, float(value)))
        last = day
    return out


def line(series: Series, days: DateScale, values: ValueScale) -> Line:
    """Place `series` on a chart: its runs and its dots."""
    x, y = days.x, values.y
    # Each point placed once, for both its run and its dot.
    pieces = runs(series.points, every=series.every)
    placed = [[(x(d), y(v), d, v) for d, v in run] for run in pieces]
    return Line(
        runs=tuple(tuple((px, py) for px, py, _d, _v in run) for run in placed),
        dots=tuple(Dot(px, py, d, v) for run in placed for px, py, d, v in run),
    )


def column(
    rows: Sequence[Sequence[Any]], name: str, columns: Sequence[str]
) -> list[tuple[date, float | None]]:
    """(day, value) of the column called `name` in rows laid out as `columns`, whose first is
    the day: each chart names the answer it draws rather than counting to it."""
    index = columns.index(name)
    return [(row[0], None if row[index] is None else float(row[index])) for row in rows]


def bars(dots: Sequence[Dot], *, width: float, baseline: float) -> list[tuple[float, float, float]]:
    """(x, y, height) of a bar `width` wide centred on each dot, standing on `baseline`."""
    half = width / 2
    return [(dot.x - half, dot.y, baseline - dot.y) for dot in dots]


def number(value: float) -> str:
    """A whole number as it is ("12"), any other with one decimal ("12.5")."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def shape_path(kind: str, x: float, y: float, size: float) -> str:
    """The SVG path of a point's shape about (x, y), `size` from its middle to its tip: a
    "diamond", "triangle" or "square" (a circle is drawn as a circle, and gets "")."""
    if kind == "diamond":
        return f"M{x:g} {y - size:g} L{x + size:g} {y:g} L{x:g} {y + size:g} L{x - size:g} {y:g} Z"
    if kind == "triangle":
        foot = round(y + size * 5 / 6, 2)
        return f"M{x:g} {y - size:g} L{x + size:g} {foot:g} L{x - size:g} {foot:g} Z"
    if kind == "square":
        half = round(size * 0.8, 2)
        return (
            f"M{x - half:g} {y - half:g} L{x + half:g} {y - half:g} "
            f"L{x + half:g} {y + half:g} L{x - half:g} {y + half:g} Z"
        )
    return ""


def weekly(
    values: MaybePoints,
    *,
    start: date | None = None,
    end: date | None = None,
    total: bool = False,
) -> Points:
    """The average (or, with `total`, the sum) of each week, Monday first, dated at the week's
    middle. With `start` and `end`, only days in the period count, and a week still under way is
    dated no later than `end`. A missing value (None) counts for nothing."""
    # Days as ordinals (a Monday's is a multiple of 7): a chart's days are counted by the
    # hundred, and date arithmetic per day was most of the work.
    first = start.toordinal() if start is not None else -math.inf
    last = end.toordinal() if end is not None else math.inf
    buckets: dict[int, list[float]] = {}
    for day, value in values:
        if value is None:
            continue
        ordinal = day.toordinal()
        if first <= ordinal <= last:
            monday = ordinal - (ordinal - 1) % 7  # date.fromordinal(1) was a Monday
            if monday in buckets:
                buckets[monday].append(float(value))
            else:
                buckets[monday] = [float(value)]
    out: Points = []
    for monday, vals in sorted(buckets.items()):
        middle = monday + 3
        if end is not None:
            middle = min(middle, end.toordinal())
        out.append((date.fromordinal(middle), sum(vals) if total else sum(vals) / len(vals)))
    return out


def step_line(
    points: MaybePoints, end: date, *, every_day: bool = False
) -> list[tuple[date, float | None]]:
    """A value held until the next one (a dose): a corner where it changes, the last value held
    to `end`. `every_day` puts a corner at every point, changed or not (the PDF's dose line,
    whose points are the days the dose could change). A None (a dose not known from that day)
    ends the held value there and leaves a gap until the next known one."""
    out: list[tuple[date, float | None]] = []
    for day, value in points:
        held = out[-1][1] if out else None
        if held is not None and (every_day or held != value):
            out.append((day, held))
        out.append((day, value))
    if out and out[-1][0] < end and out[-1][1] is not None:
        out.append((end, out[-1][1]))
    return out
