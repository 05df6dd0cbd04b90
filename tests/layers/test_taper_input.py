"""The taper engine's input documents are read by one public module, used by the command line
and by the web app alike; the command-line modules no longer import each other in a circle."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from taperwell.clinical import cli_taper
from taperwell.clinical.taper_input import BadInput, parse_pauses, parse_policy

CLINICAL = Path(__file__).resolve().parents[2] / "taperwell" / "clinical"
ENGINE = CLINICAL.parent / "tapering" / "engine.py"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_a_pause_given_by_its_last_day_lasts_every_day_it_names():
    (pause,) = parse_pauses([{"start": "2026-03-01", "end": "2026-03-14", "reason": "surgery"}])
    assert (pause.start, pause.days, pause.reason) == (date(2026, 3, 1), 14, "surgery")
    assert parse_pauses(None) == []


def test_a_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(BadInput, match=r"pauses\[0\] must last at least 1 day"):
        parse_pauses([{"start": "2026-03-14", "end": "2026-03-01"}])


def test_a_policy_reads_its_defaults_and_refuses_an_unknown_base():
    policy = parse_policy({"percent": 10}, None)
    assert (policy.percent, policy.interval_days, policy.of) == (Decimal(10), 28, "original")
    assert not policy.rapid
    with pytest.raises(BadInput, match=r"policy\.of"):
        parse_policy({"percent": 10, "of": "yesterday"}, None)


def test_the_command_line_and_the_web_app_read_the_input_through_the_same_module():
    assert "taperwell.clinical.taper_input" in _imports(CLINICAL / "cli_taper.py")
    engine = _imports(ENGINE)
    assert "taperwell.clinical.taper_input" in engine
    assert "taperwell.clinical.cli" not in engine
    assert "cli_taper._" not in ENGINE.read_text(encoding="utf-8")


def test_no_command_module_imports_the_command_line_front_end_back():
    for name in ("cli_core", "cli_taper", "cli_screen", "cli_io", "taper_input"):
        imported = _imports(CLINICAL / f"{name}.py")
        assert "taperwell.clinical.cli" not in imported, name
        assert "taperwell.clinical.cli.BadInput" not in imported, name


def test_the_taper_command_still_refuses_bad_input_with_its_message():
    with pytest.raises(BadInput, match="policy is required"):
        cli_taper.taper_document(
            {
                "start_date": "2026-01-05",
                "medications": [
                    {
                        "drug": "oxycodone",
                        "release": "IR",
                        "strength": 5,
                        "unit": "mg",
                        "times": ["08:00"],
                    }
                ],
            }
        )
