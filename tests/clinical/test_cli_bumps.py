"""`taperwell bumps`: the inputs added by issue 13 (enrolled_on, the check-in's overdose,
naloxone and non-prescribed opioid answers, checkin_every_days) and the `problems` list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from taperwell.cli import main


def calm_day(day: int, **answers: Any) -> dict[str, Any]:
    return {
        "date": f"2027-01-{day:02d}",
        "pain": 5,
        "sleep": 6,
        "mood": 6,
        "withdrawal": 1,
        "craving": 1,
        **answers,
    }


def run(document: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["bumps", str(path)]) == 0
    return json.loads(capsys.readouterr().out)


def test_bumps_reads_the_overdose_naloxone_and_non_prescribed_opioid_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "today": "2027-01-11",
        "checkins": [
            *(calm_day(d) for d in range(1, 8)),
            calm_day(8, overdose=True, naloxone_used=True),
            calm_day(9, not_prescribed_opioids=True),
            calm_day(10),
        ],
    }
    out = run(document, tmp_path, capsys)
    assert [(f["date"], f["rule"], f["severity"]) for f in out["flags"]] == [
        ("2027-01-08", "naloxone-used", "urgent"),
        ("2027-01-08", "overdose", "urgent"),
        ("2027-01-09", "non-prescribed-opioids", "high"),
    ]
    assert out["problems"] == []


def test_bumps_counts_missed_check_ins_from_enrolled_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"today": "2027-01-10", "enrolled_on": "2027-01-02", "checkins": []}
    (flag,) = run(document, tmp_path, capsys)["flags"]
    assert flag["rule"] == "missed-checkins"
    assert flag["date"] == "2027-01-05"


def test_bumps_takes_the_check_in_cadence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weekly = {"today": "2027-01-15", "checkins": [calm_day(1), calm_day(8), calm_day(15)]}
    assert run(weekly, tmp_path, capsys)["flags"] != []
    weekly["checkin_every_days"] = 7
    assert run(weekly, tmp_path, capsys)["flags"] == []


def test_bumps_reports_a_malformed_questionnaire_and_still_runs_the_other_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "today": "2027-01-11",
        "checkins": [calm_day(d, self_harm_thoughts=d == 9) for d in range(1, 11)],
        "instruments": [{"date": "2027-01-05", "instrument": "gad7", "answers": [1, 2]}],
    }
    out = run(document, tmp_path, capsys)
    assert [f["rule"] for f in out["flags"]] == ["unreadable-entry", "self-harm"]
    (problem,) = out["problems"]
    assert problem["date"] == "2027-01-05"
    assert problem["entry"] == "gad7"


def test_bumps_refuses_a_safety_answer_that_is_not_true_or_false(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.json"
    document = {"today": "2027-01-11", "checkins": [calm_day(1, overdose="yes")]}
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["bumps", str(path)])
    assert exited.value.code == 2
    assert "checkins[0].overdose must be true or false" in capsys.readouterr().err
