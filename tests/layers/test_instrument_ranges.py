"""Chart tops and "out of" numbers come from the instrument data, never typed in again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from taperwell.clinical.instruments import highest_total

ROOT = Path(__file__).resolve().parents[2] / "taperwell"
CHART_MODULES = (
    "checkins/progress.py",
    "reports/summary.py",
    "care/visit.py",
    "care/timeline.py",
)
TOPS = {"peg": 10, "phq9": 27, "gad7": 21, "sows": 64}


def test_the_highest_totals_are_the_ones_the_instruments_give():
    assert {name: highest_total(name) for name in TOPS} == TOPS


@pytest.mark.parametrize("module", CHART_MODULES)
def test_no_chart_types_an_instrument_maximum_in_again(module):
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    # Layout constants (`LEFT = 64`: pixels) are not scores.
    layout = {
        id(node)
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and all(isinstance(t, ast.Name | ast.Tuple) for t in statement.targets)
        and ast.unparse(statement.targets[0]).isupper()
        for node in ast.walk(statement.value)
    }
    typed = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and id(node) not in layout
        and type(node.value) in (int, float)
        and node.value in (27, 21, 64, 6.4)
    ]
    texts = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(f"0-{top}" in node.value or f"0 to {top}" in node.value for top in (27, 21, 64))
    ]
    assert (typed, texts) == ([], [])
