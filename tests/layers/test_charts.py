"""The one chart module: where days and values sit, and the series the charts draw, by hand."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from taperwell.charts import DateScale, ValueScale, step_line, weekly

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
