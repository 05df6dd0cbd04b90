"""Issue 13, point 1: what was seen, each as a test. The engine's own checks hold on every step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from taperwell.clinical.cli import BadInput
from taperwell.clinical.cli_taper import taper_document
from taperwell.clinical.taper import TaperError, plan_taper
from taperwell.clinical.taper_model import TaperPolicy
from tests.clinical.test_taper_helpers import med

START = "2027-01-04"  # a Monday


def plan(
    medications: list[dict[str, Any]], percent: int = 10, interval: int = 28, **policy: Any
) -> dict[str, Any]:
    return taper_document(
        {
            "start_date": START,
            "medications": medications,
            "policy": {"percent": percent, "interval_days": interval, **policy},
        }
    )


def releases(document: dict[str, Any]) -> set[tuple[str, str]]:
    found = set()
    for step in document["steps"]:
        for medication in step["medications"]:
            for units in medication["administrations"].values():
                for unit in units:
                    found.add((medication["drug"], unit.get("release", medication["release"])))
    return found


def cuts(document: dict[str, Any]) -> list[Decimal]:
    """Each step's cut, in percent of the step before (the baseline before the first)."""
    previous = Decimal(str(document["baseline_mme_per_day"]))
    result = []
    for step in document["steps"]:
        mme = Decimal(str(step["mme_per_day"]))
        result.append((previous - mme) / previous * 100 if previous else Decimal(0))
        previous = mme
    return result


@pytest.mark.parametrize(
    ("brand", "strength", "drug"),
    [
        ("OxyContin", 40, "oxycodone"),
        ("MS Contin", 60, "morphine"),
        ("Nucynta ER", 100, "tapentadol"),
        ("Opana ER", 20, "oxymorphone"),
        ("Exalgo", 16, "hydromorphone"),
    ],
)
def test_an_extended_release_brand_is_planned_as_its_extended_release_product(
    brand: str, strength: int, drug: str
) -> None:
    document = plan([{"drug": brand, "strength": strength, "times": ["08:00", "20:00"]}])
    first = document["steps"][0]["medications"][0]
    assert (first["drug"], first["release"]) == (drug, "ER")
    # The starting dose is kept as ER; IR tablets appear only as a named formulation change.
    start_units = document["steps"][0]["medications"][0]["administrations"]
    assert all(u.get("release", "ER") == "ER" for units in start_units.values() for u in units)
    for step in document["steps"]:
        if any(
            u.get("release") == "IR"
            for m in step["medications"]
            for units in m["administrations"].values()
            for u in units
        ):
            assert any("formulation change" in n for n in step["notes"]), step


def test_norco_two_tablets_twice_a_day_stays_hydrocodone_with_acetaminophen_and_no_big_cut() -> (
    None
):
    document = plan([{"drug": "Norco", "strength": 10, "count": 2, "times": ["08:00", "20:00"]}])
    assert document["baseline_mme_per_day"] == 40
    first = document["steps"][0]["medications"][0]
    assert first["release"] == "IR"
    assert first["combination"] == "acetaminophen 325 mg"
    assert releases(document) == {("hydrocodone", "IR")}
    assert cuts(document)[0] <= 25


def test_a_drug_sold_in_both_releases_needs_its_release_named() -> None:
    with pytest.raises(TaperError, match="give its release"):
        plan([{"drug": "oxycodone", "strength": 10, "times": ["08:00"]}])


@pytest.mark.parametrize(
    "medication",
    [
        {"drug": "oxycodone", "release": "ER", "strength": 10, "times": ["21:00"]},
        {"drug": "fentanyl", "form": "patch", "strength": 12},
        {"drug": "methadone", "release": "IR", "strength": 5, "times": ["08:00"]},
        {"drug": "fentanyl", "form": "patch", "strength": 25},
        {"drug": "methadone", "release": "IR", "strength": 5, "times": ["08:00", "20:00"]},
    ],
    ids=["oxycodone ER 10 nightly", "12 patch", "methadone 5", "25 patch", "methadone 5 bid"],
)
@pytest.mark.parametrize("formulation_change", [True, False])
def test_the_first_day_never_stops_and_never_cuts_more_than_a_quarter(
    medication: dict[str, Any], formulation_change: bool
) -> None:
    try:
        document = plan([medication], allow_formulation_change=formulation_change)
    except TaperError as error:
        refusal = str(error)
        document = None
    if document is None:
        # Refusing is allowed, if it says why: the smallest possible cut.
        assert "smallest possible cut" in refusal
        return
    first = document["steps"][0]
    assert first["kind"] != "stop"
    assert first["mme_per_day"] > 0
    assert cuts(document)[0] <= 25
    assert len(document["steps"]) >= 2


def test_a_patch_needs_no_times_and_the_12_patch_reads_12_and_counts_as_mme_does() -> None:
    document = plan([{"drug": "fentanyl", "form": "patch", "strength": 12}])
    assert document["baseline_mme_per_day"] == 28.8  # 12 x 2.4, as `taperwell mme` counts it
    assert "12 mcg/h" in document["steps"][0]["text"]
    assert "12.5" not in document["steps"][0]["text"]


def test_a_25_patch_steps_down_one_strength_at_a_time_held_twice_the_wear_interval() -> None:
    document = plan([{"drug": "fentanyl", "form": "patch", "strength": 25}])
    kinds = [s["kind"] for s in document["steps"]]
    assert kinds[0] == "hold"
    assert document["steps"][0]["text"].endswith("No change yet: stay on the dose you have now.")
    rates = [s["medications"][0]["daily_dose"] for s in document["steps"]]
    assert rates == [25, 12, 0]
    assert all(s["end_date"] is None or _days(s) >= 6 for s in document["steps"])
    assert any("patch" in n and "cut" in n for n in document["steps"][1]["notes"])


def _days(step: dict[str, Any]) -> int:
    from datetime import date

    return (date.fromisoformat(step["end_date"]) - date.fromisoformat(step["start_date"])).days + 1


def test_methadone_steps_are_at_most_a_tenth_of_the_dose_and_two_weeks_apart() -> None:
    document = plan(
        [
            {
                "drug": "methadone",
                "release": "IR",
                "strength": 20,
                "times": ["08:00", "14:00", "20:00"],
            }
        ],
        percent=25,
        interval=7,
    )
    doses = [Decimal(60)] + [
        Decimal(str(s["medications"][0]["daily_dose"])) for s in document["steps"]
    ]
    for before, after, step in zip(doses, doses[1:], document["steps"], strict=False):
        if step["end_date"] is not None:
            assert _days(step) >= 14
        smallest = Decimal(1)  # one mL of the 1 mg/mL oral solution
        if before > 3 * smallest:
            assert before - after <= max(before / 10, smallest), (before, after)
    assert doses[-1] == 0


def test_the_lowest_doses_are_held_longer_than_the_rate_of_the_original_dose_would() -> None:
    # 120 MME ended 45 -> 30 -> 15 -> 0 a week apart: cuts of 33, 50 and 100%.
    regimen = [med("morphine ER", t0800=60, t2000=60)]
    schedule = plan_taper(
        regimen,
        __import__("datetime").date(2027, 1, 4),
        TaperPolicy(percent=Decimal(10), interval_days=7),
    )
    tail = schedule.steps[-4:]
    assert [s.mme_per_day for s in tail] == [45, 30, 15, 0]
    # Each is held as long as weekly steps of at most 25% of the dose then would take:
    # 33% -> 10 days, 50% -> 14 days, and the stop (100%) comes after 28 days at 15.
    assert tail[1].days is not None
    assert tail[1].days >= 10
    assert tail[2].days is not None
    assert tail[2].days >= 28
    assert any("lowest doses go slower" in n for n in tail[1].notes)


def test_the_engine_refuses_a_rapid_step_above_the_rapid_ceiling() -> None:
    policy = TaperPolicy(percent=Decimal(60), interval_days=1, rapid=True, rapid_reason="diversion")
    with pytest.raises(TaperError, match="50"):
        plan_taper(
            [med("morphine ER", t0800=60, t2000=60)],
            __import__("datetime").date(2027, 1, 4),
            policy,
        )


def test_a_rapid_taper_never_cuts_more_than_the_ceiling_at_any_step() -> None:
    document = taper_document(
        {
            "start_date": START,
            "medications": [
                {"drug": "morphine", "release": "ER", "strength": 15, "times": ["08:00"]}
            ],
            "policy": {"percent": 50, "interval_days": 1},
            "rapid": {"reason": "diversion"},
        }
    )
    assert document["steps"][0]["kind"] != "stop"


def test_without_formulation_changes_the_engine_refuses_and_names_the_smallest_cut() -> None:
    with pytest.raises(TaperError, match="smallest possible cut"):
        plan(
            [
                {
                    "drug": "OxyContin",
                    "strength": 10,
                    "times": ["08:00", "20:00", "23:00"],
                    "count": 2,
                }
            ],
            allow_formulation_change=False,
        )


def test_bad_input_is_still_bad_input() -> None:
    with pytest.raises(BadInput):
        plan([{"drug": "OxyContin", "strength": 10}])


def test_an_as_needed_line_counts_its_daily_maximum_and_is_reduced_first_by_default() -> None:
    regimen = [
        {"drug": "OxyContin", "strength": 20, "times": ["08:00", "20:00"]},
        {"drug": "oxycodone", "release": "IR", "strength": 5, "as_needed": True, "max_per_day": 3},
    ]
    document = plan(regimen)
    # 40 mg ER + up to 15 mg IR a day, at 1.5 MME per mg.
    assert document["baseline_mme_per_day"] == 82.5
    as_needed = [
        next(m for m in s["medications"] if m.get("as_needed"))["daily_dose"]
        for s in document["steps"]
    ]
    assert as_needed[:3] == [10, 5, 0]
    assert (
        "only if needed: at most two 5 mg IR tablets of oxycodone a day"
        in (document["steps"][0]["text"])
    )
    assert "stop taking oxycodone as needed" in document["steps"][2]["text"]
    later = plan(regimen, as_needed_first=False)
    first = later["steps"][0]["medications"]
    assert next(m for m in first if m.get("as_needed"))["daily_dose"] == 15
    assert next(m for m in first if not m.get("as_needed"))["daily_dose"] < 40


@pytest.mark.parametrize("rates", [["12"], ["50"], ["25", "12"]], ids=["12", "50", "25 + 12"])
def test_the_12_patch_is_counted_the_same_by_mme_and_taper(rates: list[str]) -> None:
    from taperwell.clinical.guidelines import load_pack
    from taperwell.clinical.mme import MedicationDose, calculate_mme

    worn = sum((Decimal(r) for r in rates), Decimal(0))
    mme = calculate_mme(
        [MedicationDose("fentanyl", worn, "mcg/h", form="patch")], load_pack("cdc-2022")
    )
    document = plan([{"drug": "fentanyl", "form": "patch", "strength": str(worn)}])
    assert Decimal(str(document["baseline_mme_per_day"])) == mme.total_mme_per_day
    # The starting patches are shown as worn.
    worn_patches = [
        str(u["strength"])
        for units in document["steps"][0]["medications"][0]["administrations"].values()
        for u in units
    ]
    if document["steps"][0]["kind"] == "hold":
        assert sorted(worn_patches) == sorted(rates)


@pytest.mark.parametrize(
    ("medication", "message"),
    [
        ({"drug": "oxycodone", "strength": 10, "times": ["08:00"]}, "give its release"),
        ({"drug": "OxyContin", "release": "IR", "strength": 10, "times": ["08:00"]}, "not IR"),
        (
            {"drug": "OxyContin", "strength": 10, "times": ["08:00", "20:00"]},
            "smallest possible cut",
        ),
    ],
)
def test_the_command_exits_2_naming_what_is_missing_or_the_smallest_cut(
    medication: dict[str, Any], message: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from taperwell.cli import main

    path = tmp_path / "taper.json"
    document = {
        "start_date": START,
        "medications": [medication],
        "policy": {"percent": 10, "interval_days": 28, "allow_formulation_change": False},
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["taper", str(path)])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def _tampered(schedule: Any, index: int, **changes: Any) -> Any:
    from dataclasses import replace

    steps = list(schedule.steps)
    steps[index] = replace(steps[index], **changes)
    return replace(schedule, steps=tuple(steps))


def test_the_engines_own_check_refuses_a_stop_or_a_big_cut_on_the_first_day() -> None:
    from datetime import date

    from taperwell.clinical.taper import UnsafeScheduleError, validate_schedule

    schedule = plan_taper(
        [med("morphine ER", t0800=60, t2000=60)],
        date(2027, 1, 4),
        TaperPolicy(percent=Decimal(10), interval_days=28),
    )
    validate_schedule(schedule)  # as planned: passes
    stopped = replace_doses(schedule, 0, schedule.steps[-1])
    with pytest.raises(UnsafeScheduleError, match="stops from more than one smallest unit"):
        validate_schedule(stopped)
    halved = replace_doses(schedule, 0, next(s for s in schedule.steps if s.mme_per_day == 60))
    with pytest.raises(UnsafeScheduleError, match="first day"):
        validate_schedule(halved)
    jump = replace_doses(schedule, 1, next(s for s in schedule.steps if s.mme_per_day == 60))
    with pytest.raises(UnsafeScheduleError, match="above the 25%"):
        validate_schedule(jump)


def test_the_engines_own_check_refuses_methadone_steps_closer_than_two_weeks() -> None:
    from datetime import date, timedelta

    from taperwell.clinical.taper import UnsafeScheduleError, validate_schedule
    from taperwell.clinical.taper_catalogue import medication_from_formulary

    methadone = medication_from_formulary(
        "methadone", doses=[("08:00", Decimal(20)), ("20:00", Decimal(20))], release="IR"
    )
    schedule = plan_taper(
        [methadone], date(2027, 1, 4), TaperPolicy(percent=Decimal(10), interval_days=7)
    )
    validate_schedule(schedule)
    first = schedule.steps[0]
    assert first.days is not None
    assert first.days >= 14
    short = _tampered(schedule, 0, end=first.start + timedelta(days=6))
    with pytest.raises(UnsafeScheduleError, match="14 days"):
        validate_schedule(short)


def replace_doses(schedule: Any, index: int, source: Any) -> Any:
    return _tampered(schedule, index, doses=source.doses, mme_per_day=source.mme_per_day)


@pytest.mark.parametrize("allow_halves", [False, True])
def test_a_dose_below_the_smallest_strength_is_refused_with_words_not_a_crash(allow_halves):
    """Hydromorphone IR comes as 2 mg at the least: a 1 mg dose cannot be made, and the engine
    says so (it used to fail with an IndexError inside the planner)."""
    from datetime import date

    from tests.clinical.test_taper_helpers import policy

    with pytest.raises(TaperError, match=r"hydromorphone: a dose of 1 mg or less cannot be made"):
        plan_taper(
            [med("hydromorphone IR", t0800=1)],
            date(2027, 1, 4),
            policy(allow_halves=allow_halves),
        )
