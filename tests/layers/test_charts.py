"""The one chart module: where days and values sit, and the series the charts draw, by hand."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from taperwell.charts import (
    Axis,
    DateScale,
    Frame,
    Series,
    ValueScale,
    bars,
    column,
    line,
    runs,
    shape_path,
    step_line,
    weekly,
)

ROOT = Path(__file__).resolve().parents[2] / "taperwell"
MON = date(2026, 1, 5)  # a Monday


def d(n: int) -> date:
    return date.fromordinal(MON.toordinal() + n)


def test_a_day_sits_in_proportion_across_the_period():
    scale = DateScale(d(0), d(10), left=10, width=100)
    assert scale.x(d(0)) == 10
    assert scale.x(d(5)) == 60
    assert scale.x(d(10)) == 110
    assert scale.x(d(-1)) == 0  # outside the plot, left of it
    assert DateScale(d(0), d(10), left=10, width=100, clamp=True).x(d(-1)) == 10
    assert DateScale(d(0), d(0), left=10, width=100).span == 1  # one day is never a zero span


def test_a_value_sits_in_proportion_up_the_chart_and_is_held_to_its_range():
    scale = ValueScale(low=0, high=10, bottom=100, height=80)
    assert scale.y(0) == 100
    assert scale.y(5) == 60
    assert scale.y(10) == 20
    assert scale.y(12) == 20  # clamped to the top
    assert ValueScale(low=0, high=10, bottom=100, height=80, clamp=False).y(12) == 4


def test_weekly_averages_are_dated_at_the_middle_of_their_week():
    values = [(d(0), 2), (d(1), 4), (d(7), 6)]
    assert weekly(values) == [(d(3), 3.0), (d(10), 6.0)]
    assert weekly(values, total=True) == [(d(3), 6.0), (d(10), 6.0)]


def test_a_week_under_way_is_dated_no_later_than_the_period_s_end():
    values = [(d(-1), 9), (d(0), 2), (d(1), 4)]
    assert weekly(values, start=d(0), end=d(1)) == [(d(1), 3.0)]  # d(-1) is outside


def test_a_dose_is_held_until_it_changes_and_to_the_end():
    points = [(d(0), 90.0), (d(7), 90.0), (d(14), 80.0)]
    assert step_line(points, d(20)) == [
        (d(0), 90.0),
        (d(7), 90.0),
        (d(14), 90.0),
        (d(14), 80.0),
        (d(20), 80.0),
    ]
    assert step_line(points, d(20), every_day=True) == [
        (d(0), 90.0),
        (d(7), 90.0),
        (d(7), 90.0),
        (d(14), 90.0),
        (d(14), 80.0),
        (d(20), 80.0),
    ]
    assert step_line([], d(20)) == []


FRAME = Frame(width=200, height=120, left=30, right=10, top=20, bottom=20)


def test_a_frame_maps_the_first_and_last_day_and_the_lowest_and_highest_value_to_its_edges():
    days = FRAME.days(d(0), d(28))
    values = FRAME.values(Axis(0, 27))
    assert (days.x(d(0)), days.x(d(14)), days.x(d(28))) == (30, 110, 190)
    assert days.x(d(28)) == FRAME.plot_right
    assert (values.y(0), values.y(13.5), values.y(27)) == (100, 60, 20)
    assert values.y(0) == FRAME.baseline
    assert values.y(27) == FRAME.top


def test_an_instrument_s_axis_runs_to_the_highest_total_its_items_give():
    assert Axis.of_instrument("phq9") == Axis(0, 27)
    assert Axis.of_instrument("gad7") == Axis(0, 21)
    assert Axis.of_instrument("sows") == Axis(0, 64)
    assert Axis(0, 27).ticks() == [0, 13.5, 27]
    assert Axis(0, 27).ticks(whole=True) == [0, 14, 27]
    assert Axis(0, 90.8).ticks(whole=True) == [0, 45, 90]


def test_a_missing_day_leaves_a_gap_in_a_daily_line():
    answers = [(d(0), 4.0), (d(1), 5.0), (d(3), 6.0), (d(4), 7.0)]  # nothing on d(2)
    assert runs(answers, every=1) == [[(d(0), 4.0), (d(1), 5.0)], [(d(3), 6.0), (d(4), 7.0)]]
    assert runs(answers) == [answers]  # a questionnaire now and then is joined

    drawn = line(
        Series("Pain", answers, every=1), FRAME.days(d(0), d(4)), FRAME.values(Axis(0, 10))
    )
    assert drawn.polylines == ["30.0,68.0 70.0,60.0", "150.0,52.0 190.0,44.0"]
    assert [(dot.day, dot.value) for dot in drawn.dots] == answers  # every answer keeps its dot


def test_a_missing_week_leaves_a_gap_in_a_weekly_line():
    week = [(d(0), 5.0), (d(1), 5.0), (d(14), 3.0)]  # no check-in in the second week
    drawn = line(
        Series("Pain", weekly(week), every=7), FRAME.days(d(0), d(21)), FRAME.values(Axis(0, 10))
    )
    assert len(drawn.runs) == 2
    assert drawn.polylines == []  # two weeks apart, one point each: nothing to join


def test_an_unknown_value_ends_the_line_and_the_next_known_one_starts_another():
    assert runs([(d(0), 1.0), (d(1), None), (d(2), 3.0), (d(3), 4.0)]) == [
        [(d(0), 1.0)],
        [(d(2), 3.0), (d(3), 4.0)],
    ]
    # A dose not known from d(7): held until then, a gap, then held again from d(14).
    dose = step_line([(d(0), 90.0), (d(7), None), (d(14), 80.0)], d(20))
    assert runs(dose) == [[(d(0), 90.0), (d(7), 90.0)], [(d(14), 80.0), (d(20), 80.0)]]
    assert weekly([(d(0), 4.0), (d(1), None)]) == [(d(3), 4.0)]


def test_each_series_reads_the_answer_it_names():
    columns = ("day", "pain", "mood", "withdrawal")
    rows = [(d(0), 8, 3, 1), (d(1), 7, 2, None)]
    assert column(rows, "pain", columns) == [(d(0), 8.0), (d(1), 7.0)]
    assert column(rows, "mood", columns) == [(d(0), 3.0), (d(1), 2.0)]
    assert column(rows, "withdrawal", columns) == [(d(0), 1.0), (d(1), None)]


def test_bars_stand_on_the_baseline_centred_on_their_values():
    # d(3) is halfway across 160 px from 30: x 110; 5 of 10 is halfway up 80 px from 100: y 60.
    drawn = line(
        Series("Minutes", [(d(3), 5.0)]), FRAME.days(d(0), d(6)), FRAME.values(Axis(0, 10))
    )
    assert bars(drawn.dots, width=8, baseline=FRAME.baseline) == [(106.0, 60.0, 40.0)]


def test_point_shapes_are_told_apart_by_outline():
    assert shape_path("diamond", 10, 20, 6) == "M10 14 L16 20 L10 26 L4 20 Z"
    assert shape_path("triangle", 10, 20, 6) == "M10 14 L16 25 L4 25 Z"
    assert shape_path("square", 10, 20, 5) == "M6 16 L14 16 L14 24 L6 24 Z"
    assert shape_path("circle", 10, 20, 6) == ""


# What only the chart module defines: a series, its scaling and its shapes.
CHART_NAMES = {
    "Series",
    "DateScale",
    "ValueScale",
    "_x",
    "_y",
    "step_points",
    "weekly",
    "weekly_sum",
}


@pytest.mark.parametrize("module", ["checkins/charts.py", "care/timeline.py", "reports/svg.py"])
def test_progress_the_timeline_and_the_pdf_draw_with_the_one_chart_module(module):
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    defined = {
        node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef | ast.FunctionDef)
    }
    assert "taperwell.charts" in imported
    assert defined & CHART_NAMES == set()
