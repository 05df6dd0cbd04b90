"""The `mme`, `review` and `score` commands, through `taperwell.cli.main` and once as a process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from taperwell.cli import main

ISSUE_EXAMPLE = {
    "medications": [
        {"drug": "oxycodone", "daily_dose": 60, "unit": "mg"},
        {"drug": "fentanyl", "form": "patch", "daily_dose": 25, "unit": "mcg/h"},
        {
            "drug": "hydrocodone",
            "strength": 5,
            "unit": "mg",
            "units_per_dose": 1,
            "doses_per_day": 4,
        },
    ]
}
TAPERWELL = Path(sys.executable).parent / "taperwell"


def write(tmp_path: Path, document: Any, name: str = "input.json") -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def run_ok(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return json.loads(out)


def run_bad(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("taperwell: error: ")
    assert err.count("\n") == 1, err
    return err


def test_mme_prints_the_total_and_each_medication_with_factor_and_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = run_ok(capsys, ["mme", write(tmp_path, ISSUE_EXAMPLE)])
    assert output["guideline"] == "cdc-2022"
    assert output["total_mme_per_day"] == 170
    assert [
        (m["drug"], m["mme_per_day"], m["conversion_factor"], m["source"])
        for m in output["medications"]
    ] == [
        ("oxycodone", 90, 1.5, "CDC-2022"),
        ("fentanyl", 60, 2.4, "CDC-2022"),
        ("hydrocodone", 20, 1, "CDC-2022"),
    ]
    assert output["excluded"] == []
    assert output["warnings"] == []


def test_mme_under_cdc_2016_uses_the_methadone_tiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"medications": [{"drug": "methadone", "daily_dose": 30, "unit": "mg"}]}
    path = write(tmp_path, document)
    assert run_ok(capsys, ["mme", "--guideline", "cdc-2016", path])["total_mme_per_day"] == 240
    assert run_ok(capsys, ["mme", path])["total_mme_per_day"] == 141


def test_mme_lists_buprenorphine_as_excluded_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"medications": [{"drug": "Butrans", "daily_dose": 10, "unit": "mcg/h"}]}
    output = run_ok(capsys, ["mme", write(tmp_path, document)])
    assert output["total_mme_per_day"] == 0
    assert output["excluded"][0]["drug"] == "buprenorphine"
    assert output["excluded"][0]["reason"]


def test_mme_reads_stdin_when_the_file_is_a_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(ISSUE_EXAMPLE)))
    assert run_ok(capsys, ["mme", "-"])["total_mme_per_day"] == 170


def test_review_reports_findings_naloxone_thresholds_and_unchecked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "medications": [
            *ISSUE_EXAMPLE["medications"],
            {"drug": "alprazolam"},
            "Soma",
            {"drug": "moonflower tea"},
        ],
        "history": {"overdose": False, "tapering": True},
        "ort": {"sex": "female", "answers": [True, False, 0, 0, 0, 0, 1, 0, 0, 0]},
    }
    output = run_ok(capsys, ["review", "--state", "WA", write(tmp_path, document)])
    assert output["total_mme_per_day"] == 170
    ids = {f["id"]: f for f in output["findings"]}
    trinity = ids["opioid-benzodiazepine-carisoprodol"]
    assert trinity["severity"] == "contraindicated"
    assert set(trinity["drugs"]) == {
        "oxycodone",
        "fentanyl",
        "hydrocodone",
        "alprazolam",
        "carisoprodol",
    }
    for found in output["findings"]:
        assert {"id", "severity", "drugs", "summary", "action", "source"} <= set(found)
    assert output["naloxone"]["recommended"] is True
    assert {r["id"] for r in output["naloxone"]["reasons"]} == {
        "mme-50",
        "cns-depressant",
        "tapering",
    }
    thresholds = {t["id"]: t for t in output["thresholds"]}
    assert set(thresholds) == {"mme-50", "mme-90", "wa-consult-120"}
    assert thresholds["wa-consult-120"]["exempt"] is True
    assert all(t["action"] and t["source"] for t in output["thresholds"])
    assert [u["drug"] for u in output["unchecked"]] == ["moonflower tea"]
    assert output["ort"] == {"instrument": "ort", "total": 2, "band": "low", "flags": []}


def test_review_accepts_medicines_without_doses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"medications": [{"drug": "oxycodone"}, {"drug": "ibuprofen"}]}
    output = run_ok(capsys, ["review", write(tmp_path, document)])
    assert output["findings"] == []
    assert output["thresholds"] == []
    assert output["naloxone"] == {"recommended": False, "reasons": [], "on_medication_list": False}
    assert output["total_mme_per_day"] == 0


def test_score_prints_total_band_and_flags(capsys: pytest.CaptureFixture[str]) -> None:
    output = run_ok(capsys, ["score", "phq9", "1", "2", "0", "3", "1", "0", "2", "1", "1"])
    assert output == {
        "instrument": "phq9",
        "total": 11,
        "band": "moderate",
        "flags": ["suicide-risk"],
    }


def test_score_gives_peg_as_the_mean_and_no_band(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_ok(capsys, ["score", "peg", "4", "5", "6"]) == {
        "instrument": "peg", "total": 5, "band": None, "flags": [],
    }  # fmt: skip


def test_score_takes_sex_for_the_ort(capsys: pytest.CaptureFixture[str]) -> None:
    answers = ["1", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
    assert run_ok(capsys, ["score", "ort", "--sex", "male", *answers])["total"] == 3
    assert run_ok(capsys, ["score", "ort", *answers, "--sex", "female"])["total"] == 1


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not valid JSON"),
        ([1, 2], "JSON object"),
        ({"medications": []}, "non-empty"),
        (
            {"medications": [{"drug": "oxycodon", "daily_dose": 5, "unit": "mg"}]},
            "did you mean: oxycodone",
        ),
        ({"medications": [{"drug": "oxycodone", "daily_dose": 5}]}, "unit"),
        ({"medications": [{"drug": "oxycodone", "daily_dose": -5, "unit": "mg"}]}, "more than 0"),
        (
            {"medications": [{"drug": "oxycodone", "daily_dose": "5", "unit": "mg"}]},
            "must be a number",
        ),
        ({"medications": [{"drug": "oxycodone", "unit": "mg"}]}, "needs daily_dose"),
        ({"medications": [{"drug": "oxycodone", "strength": 5, "unit": "mg"}]}, "doses_per_day"),
        ({"medications": [{"drug": "fentanyl", "daily_dose": 25, "unit": "mg"}]}, "give the form"),
        (
            {"medications": [{"drug": "oxycodone", "daily_dose": 5, "unit": "mg", "route": "iv"}]},
            "unknown field",
        ),
    ],
)
def test_mme_refuses_bad_input_with_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any, message: str
) -> None:
    err = run_bad(capsys, ["mme", write(tmp_path, document)])
    assert message in err


def test_a_missing_file_and_an_unknown_guideline_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "cannot read" in run_bad(capsys, ["mme", str(tmp_path / "absent.json")])
    path = write(tmp_path, ISSUE_EXAMPLE)
    assert "unknown guideline pack" in run_bad(capsys, ["mme", "--guideline", "cdc-2019", path])
    assert "unknown state pack" in run_bad(capsys, ["review", "--state", "ZZ", path])


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"medications": ["oxycodone"], "history": {"overdoses": True}}, "unknown history"),
        ({"medications": ["oxycodone"], "history": {"overdose": "yes"}}, "true or false"),
        ({"medications": [{"dose": 5}]}, 'needs "drug"'),
        ({"medications": ["oxycodone"], "ort": {"answers": [0] * 10}}, "sex"),
        ({"medications": ["oxycodone"], "ort": {"sex": "female", "answers": [0] * 3}}, "needs 10"),
    ],
)
def test_review_refuses_bad_input_with_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any, message: str
) -> None:
    assert message in run_bad(capsys, ["review", write(tmp_path, document)])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "phq9", "1", "2"], "needs 9"),
        (["score", "gad7", "1", "1", "1", "1", "1", "1", "x"], "not a number"),
        (["score", "gad7", "1", "1", "1", "1", "1", "1", "7"], "not one of"),
        (["score", "promis", "1"], "unknown instrument"),
        (["score", "ort", *["0"] * 10], "sex"),
    ],
)
def test_score_refuses_bad_answers_with_one_line_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert message in run_bad(capsys, argv)


def test_the_installed_command_runs_mme_and_fails_cleanly(tmp_path: Path) -> None:
    path = write(tmp_path, ISSUE_EXAMPLE)
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(TAPERWELL), "mme", path], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total_mme_per_day"] == 170
    bad = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(TAPERWELL), "score", "phq9", "9"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.startswith("taperwell: error:")
