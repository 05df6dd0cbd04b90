"""Small server-drawn SVG charts (no network, no script) with a table and a sentence behind each."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import escape  # Django's `escape` calls it; this skips its lazy-text check per label

from django.utils.formats import localize, number_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from taperwell.charts import Axis, Dot, Frame, Series, bars, line, step_line
from taperwell.core import markup
from taperwell.core.day_format import day_writer

FRAME = Frame(width=360, height=170, left=34, right=10, top=12, bottom=28)


@dataclass(frozen=True)
class ChartWords:
    """The words every chart repeats, in one language; `show` and `when` escaped."""

    language: str | None
    show: str
    when: str
    changed: str  # "Dose changed %(day)s"
    day_format: str  # "M j", the short day of the ticks and tables


def chart_words() -> ChartWords:
    """The charts' words in the active language, looked up once per process and language
    rather than once a chart (nine charts a page)."""
    return _chart_words(get_language())


@functools.cache  # per language: the catalogues are fixed for the life of the process
def _chart_words(language: str | None) -> ChartWords:
    return ChartWords(
        language=language,
        show=conditional_escape(_("Show the numbers")),
        when=conditional_escape(_("When")),
        changed=_("Dose changed %(day)s"),
        day_format=_("M j"),
    )


@dataclass
class Chart:
    key: str
    title: str
    summary: str
    value_label: str
    rows: list[tuple[str, str]]  # (period, value) for the table
    y_max: float
    dots: tuple[Dot, ...] = ()
    polylines: list[str] = field(default_factory=list)  # one per unbroken run of the line
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    markers: list[tuple[float, str]] = field(default_factory=list)
    bars: bool = False
    width: float = FRAME.width
    height: float = FRAME.height

    @property
    def bar_width(self) -> float:
        return max(4.0, FRAME.inner_width / max(len(self.dots), 1) * 0.6)

    # Each coordinate as the template writes it (`floatformat:"1u"`), worked out here once per
    # chart rather than by a template filter on every point of every loop.
    @property
    def y_tick_marks(self) -> list[tuple[str, str]]:
        return [(_one(y), label) for y, label in self.y_ticks]

    @property
    def x_tick_marks(self) -> list[tuple[str, str]]:
        return [(_one(x), label) for x, label in self.x_ticks]

    @property
    def marker_marks(self) -> list[tuple[str, str]]:
        return [(_one(x), label) for x, label in self.markers]

    @property
    def dot_marks(self) -> list[tuple[str, str]]:
        return [(_one(dot.x), _one(dot.y)) for dot in self.dots]

    @property
    def bar_marks(self) -> list[tuple[str, str, str]]:
        drawn = bars(self.dots, width=self.bar_width, baseline=FRAME.baseline)
        return [(_one(x), _one(y), _one(h)) for x, y, h in drawn]

    @property
    def bar_width_mark(self) -> str:
        return _one(self.bar_width)

    @property
    def svg_marks(self) -> SafeString:
        """What the `<svg>` holds: grid, markers, line or bars, and the day ticks.

        Written here in one pass, not by template loops over every point (a dozen charts of
        up to ninety points each); every label is escaped, the numbers are `_one`'s."""
        return self._marks(chart_words().changed)

    def _marks(self, changed: str) -> SafeString:
        """`svg_marks`, with the words of a marker ("Dose changed %(day)s") looked up."""
        marks: list[str] = []
        for y, label in self.y_tick_marks:
            marks.append(
                f'<line x1="{self.plot_left}" x2="{self.plot_right}" y1="{y}" y2="{y}" '
                'class="grid"/>'
                f'<text x="{self.plot_left - 4}" y="{y}" class="tick" text-anchor="end" '
                f'dominant-baseline="middle">{escape(label)}</text>'
            )
        for x, label in self.marker_marks:
            title = escape(changed % {"day": label})
            marks.append(
                f'<line x1="{x}" x2="{x}" y1="12" y2="{self.baseline_y}" class="marker">'
                f"<title>{title}</title></line>"
            )
        if self.bars:
            width = self.bar_width_mark
            marks.extend(
                f'<rect x="{x}" y="{y}" width="{width}" height="{h}" class="bar"/>'
                for x, y, h in self.bar_marks
            )
        else:
            marks.extend(f'<polyline points="{points}" class="line"/>' for points in self.polylines)
            marks.extend(
                f'<circle cx="{_one(dot.x)}" cy="{_one(dot.y)}" r="3.5" class="dot"/>'
                for dot in self.dots
            )
        last = len(self.x_ticks) - 1
        for index, (x, label) in enumerate(self.x_tick_marks):
            anchor = "start" if index == 0 else "end" if index == last else "middle"
            marks.append(
                f'<text x="{x}" y="{self.height - 8}" class="tick" text-anchor="{anchor}">'
                f"{escape(label)}</text>"
            )
        return mark_safe("\n".join(marks))  # noqa: S308 (labels escaped, numbers ours)

    @property
    def figure(self) -> SafeString:
        """The whole chart as the page shows it: title, summary, the drawing and the table of
        its numbers, written here once rather than by a template included once a chart. Every
        word is escaped; sizes are localized as the template wrote them."""
        key, title = markup.escape(self.key), markup.escape(self.title)
        words = chart_words()
        show, when = words.show, words.when
        width, height = _size(words.language, self.width), _size(words.language, self.height)
        return mark_safe(  # noqa: S308 (every value escaped or ours)
            f'<figure class="card chart" aria-labelledby="chart-{key}-title">\n'
            f'  <h2 id="chart-{key}-title">{title}</h2>\n'
            f'  <p class="chart-summary" id="chart-{key}-summary">'
            f"{markup.escape(self.summary)}</p>\n"
            f'  <svg viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="chart-{key}-title chart-{key}-summary" '
            'preserveAspectRatio="xMidYMid meet" focusable="false">\n'
            f"    {self._marks(words.changed)}\n"
            "  </svg>\n"
            "  <details>\n"
            f"    <summary>{show}</summary>\n"
            '    <table class="chart-table">\n'
            f'      <caption class="visually-hidden">{title}</caption>\n'
            f'      <thead><tr><th scope="col">{when}</th>'
            f'<th scope="col">{markup.escape(self.value_label)}</th></tr></thead>\n'
            f"      <tbody>{self.table_rows}</tbody>\n"
            "    </table>\n"
            "  </details>\n"
            "</figure>\n"
        )

    @property
    def table_rows(self) -> SafeString:
        """The rows of the table behind the chart, escaped, written in one pass."""
        return mark_safe(  # noqa: S308 (each cell escaped)
            "".join(
                f"<tr><td>{escape(period)}</td><td>{escape(value)}</td></tr>"
                for period, value in self.rows
            )
        )

    @property
    def baseline_y(self) -> float:
        return FRAME.baseline

    @property
    def plot_left(self) -> float:
        return FRAME.left

    @property
    def plot_right(self) -> float:
        return FRAME.plot_right


_TENTH = Decimal("0.1")


def _one(value: float) -> str:
    """One decimal, as the template filter `floatformat:"1u"` writes it (half up from the
    number's shortest decimal form, no locale; `tests/patient/test_page_speed.py` compares)."""
    value = float(value)
    text = repr(value)
    if -1e9 < value < 1e9 and not (text[-1] == "5" and text[-3] == "."):
        # Python's own rounding of the exact binary value agrees with half up from the
        # shortest form except on a tie there ("12.25"): a shortest form above or below the
        # half means the exact value is too (or the half, being shorter, would be the
        # shortest form). A coordinate is written about four times faster this way.
        written = f"{value:.1f}"
        return "0.0" if written == "-0.0" else written
    whole, _dot, decimals = text.lstrip("-").partition(".")
    if decimals and decimals.isdigit():
        # The common case, in whole numbers (a Decimal per coordinate was a chart's main cost):
        # keep the first decimal, add one when the next digit is 5 or more (half up, away from
        # zero), then put the sign back unless the result is zero.
        tenths = int(whole) * 10 + int(decimals[0]) + (len(decimals) > 1 and decimals[1] >= "5")
        sign = "-" if text.startswith("-") and tenths else ""
        return f"{sign}{tenths // 10}.{tenths % 10}"
    exact = Decimal(text).quantize(_TENTH, rounding=ROUND_HALF_UP)  # 1e-07, inf
    return f"{exact + 0:f}"  # + 0: no "-0.0"


def draw(
    chart: Chart,
    points: Sequence[tuple[date, float]],
    *,
    start: date,
    end: date,
    markers: Sequence[date] = (),
    every: int | None = None,
    day_words: Callable[[date], str] | None = None,
    held: bool = False,
) -> Chart:
    """Place `points` on the chart between `start` and `end` (dates) and 0..y_max (values).
    With `every` (7 for a weekly average), points further apart than that many days leave a gap
    in the line. `held` (a dose) keeps each value flat until the next one, which starts with a
    straight drop: a dose changes on a step's day, never a little each day between steps; the
    dots stay on the points themselves. `day_words` words the ticks and markers
    (`short_day_words`, made once for the page; `short_day` without it)."""
    day_words = day_words or short_day
    axis = Axis(0, chart.y_max)
    days = FRAME.days(start, end)
    values = FRAME.values(axis)
    drawn = line(Series(chart.key, points, every=every), days, values)
    chart.dots = drawn.dots
    if held:
        drawn = line(Series(chart.key, step_line(points, end), every=every), days, values)
    chart.polylines = drawn.polylines
    chart.y_ticks = [(values.y(v), f"{v:g}") for v in axis.ticks(whole=True)]
    chart.x_ticks = [(days.x(d), day_words(d)) for d in days.ticks()]
    chart.markers = [(days.x(d), day_words(d)) for d in markers if days.holds(d)]
    return chart


@functools.cache  # per language and size: the frame's own numbers, never a value
def _size(language: str | None, value: float) -> str:
    return str(localize(value))


def short_day(day: date) -> str:
    """ "Nov 3" in English, "3 de nov." in Spanish."""
    return short_day_words()(day)


def short_day_words() -> Callable[[date], str]:
    """`short_day` as a function of the day, for a page's charts and tables: written by
    `core.day_format` (the language's month names worded once per process, not Django's date
    formatter per day), each day once for the page (the charts share their ticks and the tables
    their weeks). It knows only the calendar, never a value."""
    write = day_writer(chart_words().day_format)
    worded: dict[date, str] = {}

    def words(day: date) -> str:
        text = worded.get(day)
        if text is None:
            text = worded[day] = write(day)
        return text

    return words


def month_change(
    values: Sequence[tuple[date, float]], *, today: date, name: str, lower_is_better: bool
) -> str:
    """'Your average pain this month was 5.2, down from 6.1.'"""
    month_ago, two_months_ago = today - timedelta(days=30), today - timedelta(days=60)
    recent = [v for d, v in values if month_ago < d <= today]
    before = [v for d, v in values if two_months_ago < d <= month_ago]
    if not recent:
        return _("No %(name)s entries in the last month yet.") % {"name": name}
    now = Decimal(sum(recent) / len(recent)).quantize(Decimal("0.1"))
    words = {"name": name, "now": number_format(now)}
    if before:
        then = Decimal(sum(before) / len(before)).quantize(Decimal("0.1"))
        words["then"] = number_format(then)
        if now == then:
            return (
                _("Your average %(name)s this month was %(now)s, the same as the month before.")
                % words
            )
        # No praise here: a tenth of a point is noise, not an achievement. Effort (check-ins,
        # practice) gets the kind words on the Progress page instead.
        if now < then:
            return _("Your average %(name)s this month was %(now)s, down from %(then)s.") % words
        return _("Your average %(name)s this month was %(now)s, up from %(then)s.") % words
    return _("Your average %(name)s this month was %(now)s.") % words
