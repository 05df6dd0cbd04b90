"""The `taperwell taper` and `taperwell bumps` commands: shapes, formulary use, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from taperwell.cli import main

TAPER_INPUT = {
    "start_date": "2027-01-04",
    "medications": [
        {
            "drug": "oxycodone",
            "release": "ER",
            "strength": 30,
            "unit": "mg",
            "times": ["08:00", "20:00"],
        },
        {"drug": "oxycodone", "release": "IR", "strength": 5, "unit": "mg", "times": ["08:00"]},
    ],
    "policy": {"percent": 10, "of": "original", "interval_days": 28, "target_mme_per_day": 0},
}
BUMPS_INPUT = {
    "today": "2027-02-01",
    "baseline": {"pain": 6, "peg": 6.3, "phq9": 8, "gad7": 6, "sleep": 5},
    "dose_changes": ["2027-01-04"],
    "checkins": [
        {
            "date": f"2027-01-{d:02d}",
            "pain": 6,
            "sleep": 5,
            "mood": 6,
            "withdrawal": w,
            "craving": 2,
            "self_harm_thoughts": d == 20,
            "prn_doses": 0,
        }
        for d, w in zip(range(1, 32), [1, 1, 1, 2, 4, 5, 5, 3] + [2] * 23, strict=True)
    ],
    "instruments": [
        {"date": "2027-01-10", "instrument": "phq9", "answers": [1, 1, 0, 1, 0, 0, 1, 0, 0]}
    ],
    "pause_requests": ["2027-01-20"],
}


def run(command: str, document: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main([command, str(path)]) == 0
    return json.loads(capsys.readouterr().out)


def test_taper_prints_the_schedule_in_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run("taper", TAPER_INPUT, tmp_path, capsys)
    assert out["baseline_mme_per_day"] == 97.5
    assert out["policy"]["of"] == "original"
    assert isinstance(out["warnings"], list)
    first = out["steps"][0]
    assert set(first) >= {
        "index",
        "start_date",
        "end_date",
        "mme_per_day",
        "change_percent",
        "medications",
        "notes",
    }
    assert first["index"] == 1
    assert first["start_date"] == "2027-01-04"
    er = first["medications"][0]
    assert er == {
        "drug": "oxycodone",
        "release": "ER",
        "form": "tablet",
        "daily_dose": 60,
        "unit": "mg",
        "administrations": {
            "08:00": [{"strength": 30, "count": 1}],
            "20:00": [{"strength": 30, "count": 1}],
        },
    }
    last = out["steps"][-1]
    assert last["mme_per_day"] == 0
    assert last["end_date"] is None
    mmes = [s["mme_per_day"] for s in out["steps"]]
    assert mmes == sorted(mmes, reverse=True)


def test_taper_uses_the_pharmacys_strengths_and_planned_pauses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "start_date": "2027-01-04",
        "medications": [
            {
                "drug": "morphine",
                "release": "ER",
                "strength": 60,
                "unit": "mg",
                "times": ["08:00", "20:00"],
            }
        ],
        "policy": {"percent": 10, "interval_days": 28},
        "available_strengths": {"morphine ER": [15, 30]},
        "pauses": [{"start": "2027-01-10", "days": 14, "reason": "holiday"}],
    }
    out = run("taper", document, tmp_path, capsys)
    used = {
        u["strength"]
        for s in out["steps"]
        for m in s["medications"]
        for units in m["administrations"].values()
        for u in units
    }
    assert used <= {15, 30}
    # The smallest cut, 15 mg of 120 (12.5%), is held 35 days; the pause adds 14.
    assert out["steps"][0]["end_date"] == "2027-02-21"
    assert any("holiday" in n for n in out["steps"][0]["notes"])


def test_a_rapid_taper_needs_a_reason_and_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fast = dict(TAPER_INPUT, policy={"percent": 20, "interval_days": 3})
    path = tmp_path / "fast.json"
    path.write_text(json.dumps(fast), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["taper", str(path)])
    assert exit_info.value.code == 2
    assert "abrupt" in capsys.readouterr().err
    out = run("taper", dict(fast, rapid={"reason": "diversion"}), tmp_path, capsys)
    assert out["warnings"][0].startswith("RAPID TAPER")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"medications": []}, "start_date"),
        (
            dict(
                TAPER_INPUT,
                medications=[
                    {"drug": "unobtainium", "strength": 5, "unit": "mg", "times": ["08:00"]}
                ],
            ),
            "unknown medicine",
        ),
        (
            dict(
                TAPER_INPUT,
                medications=[
                    {
                        "drug": "oxycodone",
                        "release": "ER",
                        "strength": 7,
                        "unit": "mg",
                        "times": ["08:00"],
                    }
                ],
            ),
            "cannot be made",
        ),
        (dict(TAPER_INPUT, policy={"percent": 10, "of": "sometimes"}), "policy.of"),
        (
            dict(
                TAPER_INPUT,
                medications=[
                    {
                        "drug": "oxycodone",
                        "strength": 5,
                        "unit": "mg",
                        "times": ["8 in the morning"],
                    }
                ],
            ),
            "time like 08:00",
        ),
    ],
)
def test_bad_taper_input_exits_2_with_one_line(
    document: Any, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["taper", str(path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_bumps_prints_flags_in_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run("bumps", BUMPS_INPUT, tmp_path, capsys)
    flags = out["flags"]
    assert {f["rule"] for f in flags} == {"withdrawal-expected", "self-harm", "pause-request"}
    urgent = next(f for f in flags if f["severity"] == "urgent")
    assert urgent == {
        "date": "2027-01-20",
        "rule": "self-harm",
        "severity": "urgent",
        "reason": "answered yes to thoughts of self-harm on the check-in of Jan 20",
        "step_date": "2027-01-04",
        "action": "crisis",
    }


def test_bumps_with_a_check_in_out_of_range_reports_it_as_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = {
        "today": "2027-02-01",
        "checkins": [
            {"date": "2027-01-05", "pain": 12, "sleep": 5, "mood": 5, "withdrawal": 1, "craving": 1}
        ],
    }
    out = run("bumps", bad, tmp_path, capsys)
    assert out["problems"] == [
        {"date": "2027-01-05", "entry": "check-in", "message": "pain must be a whole number 0-10"}
    ]


def test_the_installed_command_reads_stdin(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "taperwell"
    result = subprocess.run(  # noqa: S603 - our own entry point
        [str(command), "taper", "-"],
        input=json.dumps(TAPER_INPUT),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["steps"][-1]["mme_per_day"] == 0
