"""Charts as inline SVG for the visit summary: pure functions, black and white, with a text
alternative for each.

Series are told apart by dash pattern and point shape, never by colour alone, so a chart still
reads when printed on a black-and-white printer or faxed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from taperwell.charts import DateScale, ValueScale

WIDTH, HEIGHT = 400, 130
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 20, 30

# (dash pattern, point shape) per series, in order.
STYLES = [("", "circle"), ("6 3", "square"), ("2 2", "triangle"), ("8 3 2 3", "diamond")]


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[date, float]]


@dataclass(frozen=True)
class SvgChart:
    title: str
    svg: str
    text: str  # the text alternative: what the chart shows, in a sentence or two


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _shape(kind: str, x: float, y: float) -> str:
    if kind == "square":
        return f'<rect x="{x - 2.5:.1f}" y="{y - 2.5:.1f}" width="5" height="5" fill="#000"/>'
    if kind == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 3.2:.1f} {x - 3:.1f},{y + 2.4:.1f} '
            f'{x + 3:.1f},{y + 2.4:.1f}" fill="#fff" stroke="#000"/>'
        )
    if kind == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 3.2:.1f} {x + 3.2:.1f},{y:.1f} {x:.1f},{y + 3.2:.1f} '
            f'{x - 3.2:.1f},{y:.1f}" fill="#000"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4" fill="#fff" stroke="#000"/>'


def _describe(
    series: Sequence[Series], unit: str, markers: Sequence[tuple[date, str]], start: date, end: date
) -> str:
    parts = []
    for one in series:
        points = [(d, v) for d, v in one.points if start <= d <= end]
        if not points:
            parts.append(f"{one.name}: no entries in this period.")
            continue
        low = min(v for _, v in points)
        high = max(v for _, v in points)
        first, last = points[0], points[-1]
        parts.append(
            f"{one.name}: {len(points)} values from {_day(first[0])} to {_day(last[0])}; "
            f"first {_fmt(first[1])}{unit}, latest {_fmt(last[1])}{unit}, "
            f"lowest {_fmt(low)}{unit}, highest {_fmt(high)}{unit}."
        )
    shown = [(d, label) for d, label in markers if start <= d <= end]
    if shown:
        parts.append("Marked: " + "; ".join(f"{label} {_day(d)}" for d, label in shown) + ".")
    return " ".join(parts)


def chart(
    title: str,
    series: Sequence[Series],
    *,
    start: date,
    end: date,
    y_max: float | None = None,
    unit: str = "",
    markers: Sequence[tuple[date, str]] = (),
    bars: bool = False,
) -> SvgChart:
    """Draw `series` between `start` and `end`, values from 0 to `y_max` (default: the highest).

    `markers` are vertical dashed lines (e.g. the dates the dose changed) with a short label.
    `bars` draws the first series as bars (e.g. minutes practised a week).
    """
    values = [v for one in series for _, v in one.points]
    top = y_max if y_max is not None else max([*values, 1.0]) * 1.1
    top = top or 1.0
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    days = DateScale(start, end, LEFT, inner_w, clamp=True)
    span = days.span
    x_of, y_of = days.x, ValueScale(0.0, top, TOP + inner_h, inner_h).y

    text = _describe(series, unit, markers, start, end)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        'font-family="DejaVu Sans, sans-serif" font-size="9">',
        f"<title>{escape(title)}</title><desc>{escape(text)}</desc>",
    ]
    for value in (0.0, top / 2, top):
        y = y_of(value)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="#bbb" stroke-width="0.6"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">{_fmt(value)}</text>'
        )
    for day, anchor in ((start, "start"), (start + (end - start) / 2, "middle"), (end, "end")):
        out.append(
            f'<text x="{x_of(day):.1f}" y="{HEIGHT - BOTTOM + 12}" text-anchor="{anchor}">'
            f"{_day(day)}</text>"
        )
    for day, label in markers:
        if not start <= day <= end:
            continue
        x = x_of(day)
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#000" '
            'stroke-width="0.8" stroke-dasharray="1 2"/>'
            f'<text x="{x:.1f}" y="{HEIGHT - 4}" text-anchor="middle" font-size="7">'
            f"{escape(label)}</text>"
        )
    for index, one in enumerate(series):
        dash, shape = STYLES[index % len(STYLES)]
        # Kept in the given order: a step line has two points on the day the dose changed.
        points = [(d, v) for d, v in one.points if start <= d <= end]
        if bars and index == 0:
            width = max(3.0, inner_w / max(span / 7, 1) * 0.6)
            for day, value in points:
                y = y_of(value)
                out.append(
                    f'<rect x="{x_of(day) - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
                    f'height="{HEIGHT - BOTTOM - y:.1f}" fill="#fff" stroke="#000" '
                    'stroke-width="0.8"/>'
                )
            continue
        coords = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in points)
        if len(points) > 1:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="#000" stroke-width="1.2"'
                f"{dash_attr}/>"
            )
        if len(points) <= 40:
            out.extend(_shape(shape, x_of(d), y_of(v)) for d, v in points)
    if len(series) > 1 or (series and not bars):
        x = LEFT + 6
        for index, one in enumerate(series):
            dash, shape = STYLES[index % len(STYLES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line x1="{x}" y1="7" x2="{x + 18}" y2="7" stroke="#000"'
                f' stroke-width="1.2"{dash_attr}/>{_shape(shape, x + 9, 7)}'
                f'<text x="{x + 22}" y="10">{escape(one.name)}</text>'
            )
            x += 30 + 5.5 * len(one.name)
    out.append("</svg>")
    return SvgChart(title=title, svg="".join(out), text=text)
