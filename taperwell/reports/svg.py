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

from taperwell.charts import Axis, Frame, Series, line, number, shape_path
from taperwell.charts import bars as bar_rects

FRAME = Frame(width=400, height=130, left=40, right=12, top=20, bottom=30)

# (dash pattern, point shape) per series, in order.
STYLES = [("", "circle"), ("6 3", "square"), ("2 2", "triangle"), ("8 3 2 3", "diamond")]
# Filled shapes are black; open ones white with a black edge.
FILLS = {"square": 'fill="#000"', "diamond": 'fill="#000"', "triangle": 'fill="#fff" stroke="#000"'}


@dataclass(frozen=True)
class SvgChart:
    title: str
    svg: str
    text: str  # the text alternative: what the chart shows, in a sentence or two


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _shape(kind: str, x: float, y: float) -> str:
    if kind in FILLS:
        return f'<path d="{shape_path(kind, round(x, 1), round(y, 1), 3.2)}" {FILLS[kind]}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4" fill="#fff" stroke="#000"/>'


def _known(one: Series, start: date, end: date) -> list[tuple[date, float]]:
    return [(d, v) for d, v in one.points if v is not None and start <= d <= end]


def _describe(
    series: Sequence[Series], unit: str, markers: Sequence[tuple[date, str]], start: date, end: date
) -> str:
    parts = []
    for one in series:
        points = _known(one, start, end)
        if not points:
            parts.append(f"{one.name}: no entries in this period.")
            continue
        low = min(v for _, v in points)
        high = max(v for _, v in points)
        first, last = points[0], points[-1]
        parts.append(
            f"{one.name}: {len(points)} values from {_day(first[0])} to {_day(last[0])}; "
            f"first {number(first[1])}{unit}, latest {number(last[1])}{unit}, "
            f"lowest {number(low)}{unit}, highest {number(high)}{unit}."
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
    values = [v for one in series for _, v in one.points if v is not None]
    top = y_max if y_max is not None else max([*values, 1.0]) * 1.1
    axis = Axis(0.0, top or 1.0)
    days = FRAME.days(start, end, clamp=True)
    y_of = FRAME.values(axis).y
    left, right, bottom = FRAME.left, FRAME.plot_right, FRAME.baseline
    width, height = FRAME.width, FRAME.height

    text = _describe(series, unit, markers, start, end)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="DejaVu Sans, sans-serif" font-size="9">',
        f"<title>{escape(title)}</title><desc>{escape(text)}</desc>",
    ]
    for value in axis.ticks():
        y = y_of(value)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
            'stroke="#bbb" stroke-width="0.6"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{number(value)}</text>'
        )
    for day, anchor in zip(days.ticks(), ("start", "middle", "end"), strict=True):
        out.append(
            f'<text x="{days.x(day):.1f}" y="{bottom + 12}" text-anchor="{anchor}">'
            f"{_day(day)}</text>"
        )
    for day, label in markers:
        if not days.holds(day):
            continue
        x = days.x(day)
        out.append(
            f'<line x1="{x:.1f}" y1="{FRAME.top}" x2="{x:.1f}" y2="{bottom}" stroke="#000" '
            'stroke-width="0.8" stroke-dasharray="1 2"/>'
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" font-size="7">'
            f"{escape(label)}</text>"
        )
    for index, one in enumerate(series):
        dash, shape = STYLES[index % len(STYLES)]
        # Kept in the given order: a step line has two points on the day the dose changed.
        shown = Series(one.name, [(d, v) for d, v in one.points if days.holds(d)], one.every)
        drawn = line(shown, days, FRAME.values(axis))
        if bars and index == 0:
            wide = max(3.0, FRAME.inner_width / max(days.span / 7, 1) * 0.6)
            for x, y, tall in bar_rects(drawn.dots, width=wide, baseline=bottom):
                out.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{wide:.1f}" '
                    f'height="{tall:.1f}" fill="#fff" stroke="#000" '
                    'stroke-width="0.8"/>'
                )
            continue
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.extend(
            f'<polyline points="{coords}" fill="none" stroke="#000" stroke-width="1.2"{dash_attr}/>'
            for coords in drawn.polylines
        )
        if len(drawn.dots) <= 40:
            out.extend(_shape(shape, dot.x, dot.y) for dot in drawn.dots)
    if len(series) > 1 or (series and not bars):
        x = left + 6
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
