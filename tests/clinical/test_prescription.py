"""Issue 18, point 7: the prescription worksheet's arithmetic, with worked examples.

Each example is worked by hand in its comment; the worksheet must agree with the step it comes
from (the units it counts add up to the step's daily dose)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from taperwell.clinical.prescription import (
    fill_days,
    load_fill_policy,
    number_in_words,
    worksheet_lines,
)
from tests.clinical.test_taper_safety import plan


def oxy_er(**administrations: list[tuple[int | str, int | str]]) -> dict[str, Any]:
    return {
        "drug": "oxycodone",
        "release": "ER",
        "form": "tablet",
        "unit": "mg",
        "daily_dose": 0,
        "administrations": {
            time: [{"strength": s, "count": c} for s, c in units]
            for time, units in administrations.items()
        },
    }


def test_one_tablet_twice_a_day_for_28_days_is_56_written_in_words_and_figures() -> None:
    # 1 tablet x 2 doses a day x 28 days = 56
    (line,) = worksheet_lines([oxy_er(a0800=[(10, 1)], a2000=[(10, 1)])], days=28)
    assert line.product == "oxycodone ER tablet 10 mg"
    assert line.same_each_dose == 1
    assert line.doses_per_day == 2
    assert line.quantity == 56
    assert line.quantity_words == "56 (fifty-six)"
    assert line.dispense_unit == "tablets"
    assert line.how_taken == "1 tablet at a0800, 1 tablet at a2000"


def test_two_strengths_in_one_dose_are_two_products_each_with_its_own_count() -> None:
    # 20 mg: 1 a day x 28 = 28; 10 mg: 1 in the morning + 1 at night = 2 a day x 28 = 56
    lines = worksheet_lines([oxy_er(a0800=[(20, 1), (10, 1)], a2000=[(10, 1)])], days=28)
    by_strength = {line.strength: line for line in lines}
    assert by_strength[Decimal(20)].quantity == 28
    assert by_strength[Decimal(20)].doses_per_day == 1
    assert by_strength[Decimal(10)].quantity == 56
    assert by_strength[Decimal(10)].doses_per_day == 2


def test_doses_that_differ_by_time_have_no_single_count_per_dose() -> None:
    # 2 in the morning, 1 at night: 3 a day x 14 days = 42
    (line,) = worksheet_lines([oxy_er(a0800=[(10, 2)], a2000=[(10, 1)])], days=14)
    assert line.same_each_dose is None
    assert line.per_dose == (("a0800", Decimal(2)), ("a2000", Decimal(1)))
    assert line.quantity == 42


def test_half_tablets_are_counted_as_halves_and_the_total_rounded_up_to_whole_tablets() -> None:
    # half in the morning + 1 at night = 1.5 a day x 27 days = 40.5 -> 41 tablets
    (line,) = worksheet_lines([oxy_er(a0800=[(5, "0.5")], a2000=[(5, 1)])], days=27)
    assert line.per_day == Decimal("1.5")
    assert line.quantity == 41
    assert line.how_taken == "half a tablet at a0800, 1 tablet at a2000"


def test_a_72_hour_patch_for_28_days_is_ten_patches() -> None:
    # 28 days x 24 h / 72 h = 9.33 changes -> 10 patches
    patch = {
        "drug": "fentanyl",
        "release": "ER",
        "form": "patch",
        "unit": "mcg/h",
        "daily_dose": 25,
        "wear_hours": 72,
        "administrations": {"patch": [{"strength": 25, "count": 1}]},
    }
    (line,) = worksheet_lines([patch], days=28)
    assert line.quantity == 10
    assert line.dispense_unit == "patches"
    assert line.product == "fentanyl 25 mcg/h patch"
    assert line.how_taken == "1 patch, changed every 3 days"


def test_an_oral_solution_is_counted_in_ml() -> None:
    # 2.5 mL twice a day x 7 days = 35 mL
    solution = {
        "drug": "methadone",
        "release": "IR",
        "form": "solution",
        "unit": "mg/mL",
        "daily_dose": 10,
        "administrations": {
            "08:00": [{"strength": 2, "count": 2.5}],
            "20:00": [{"strength": 2, "count": 2.5}],
        },
    }
    (line,) = worksheet_lines([solution], days=7)
    assert line.dispense_unit == "mL"
    assert line.quantity == 35
    assert line.how_taken == "2.5 mL at 08:00, 2.5 mL at 20:00"


def test_an_as_needed_line_is_counted_at_the_most_it_allows() -> None:
    # at most 2 a day x 28 days = 56
    prn = oxy_er(**{"as needed": [(5, 2)]}) | {"release": "IR", "as_needed": True}
    (line,) = worksheet_lines([prn], days=28)
    assert line.as_needed
    assert line.how_taken == "only if needed, at most 2 tablets a day"
    assert line.quantity == 56


def test_a_medicine_stopped_at_this_step_has_no_line() -> None:
    assert worksheet_lines([oxy_er()], days=28) == ()


@pytest.mark.parametrize(
    ("start", "end", "today", "expected"),
    [
        (date(2027, 1, 4), date(2027, 1, 31), date(2027, 1, 1), 28),  # a 28-day step, ahead
        (date(2027, 1, 4), date(2027, 1, 17), date(2027, 1, 1), 14),  # a 14-day step
        (date(2027, 1, 4), date(2027, 4, 4), date(2027, 1, 1), 28),  # long step: one fill
        (date(2027, 1, 4), date(2027, 1, 31), date(2027, 1, 20), 12),  # from today to the end
        (date(2027, 1, 4), None, date(2027, 1, 1), 28),  # the last step: the fill length
        (date(2027, 1, 4), date(2027, 1, 31), date(2027, 2, 1), 0),  # already over
    ],
)
def test_a_fill_covers_the_days_until_the_next_step_at_most_the_fill_length(
    start: date, end: date | None, today: date, expected: int
) -> None:
    assert fill_days(start=start, end=end, today=today, fill_length=28) == expected


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (14, "fourteen"),
        (40, "forty"),
        (56, "fifty-six"),
        (100, "one hundred"),
        (112, "one hundred twelve"),
        (360, "three hundred sixty"),
        (1001, "one thousand one"),
    ],
)
def test_quantities_are_written_in_words(n: int, words: str) -> None:
    assert number_in_words(n) == words


def test_the_default_fill_length_is_in_the_data_with_its_reason() -> None:
    policy = load_fill_policy()
    assert policy.days == 28
    assert policy.source == "none"
    assert "guideline" in policy.note


def test_the_worksheet_counts_what_every_step_of_a_real_schedule_takes_each_day() -> None:
    document = plan(
        [{"drug": "oxycodone", "release": "ER", "doses": {"08:00": 40, "20:00": 30}}],
        percent=10,
        interval=28,
    )
    for step in document["steps"]:
        lines = worksheet_lines(step["medications"], days=1)
        counted = sum((line.strength * line.per_day for line in lines), Decimal(0))
        daily = sum(Decimal(str(m["daily_dose"])) for m in step["medications"])
        assert counted == daily, step["index"]


REGIMENS = {
    "morphine ER to oral solution": [
        {"drug": "morphine", "release": "ER", "doses": {"08:00": 30, "20:00": 30}}
    ],
    "oxycodone ER to IR tablets": [
        {"drug": "oxycodone", "release": "ER", "doses": {"08:00": 20, "20:00": 20}}
    ],
    "hydromorphone ER to IR tablets": [
        {"drug": "hydromorphone", "release": "ER", "doses": {"08:00": 8}}
    ],
    "methadone tablets and solution": [
        {"drug": "methadone", "release": "IR", "doses": {"08:00": 10, "20:00": 10}}
    ],
    "fentanyl patches": [
        {
            "drug": "fentanyl",
            "release": "ER",
            "form": "patch",
            "unit": "mcg/h",
            "doses": {"08:00": 200},
        }
    ],
}


@pytest.mark.parametrize("regimen", REGIMENS.values(), ids=list(REGIMENS))
def test_every_step_of_every_shape_has_one_row_per_product_taken_counted_in_its_own_unit(
    regimen: list[dict[str, Any]],
) -> None:
    document = plan(regimen, percent=10, interval=28)
    for step in document["steps"]:
        lines = worksheet_lines(step["medications"], days=1)
        products = {
            (
                m["drug"],
                u.get("release") or m["release"],
                u.get("form") or m["form"],
                Decimal(str(u["strength"])),
                u.get("unit") or m["unit"],
            )
            for m in step["medications"]
            for units in m["administrations"].values()
            for u in units
        }
        rows = {(w.drug, w.release, w.form, w.strength, w.unit) for w in lines}
        assert rows == products, step["index"]
        counted = sum((line.strength * line.per_day for line in lines), Decimal(0))
        daily = sum(Decimal(str(m["daily_dose"])) for m in step["medications"])
        assert counted == daily, step["index"]
        for line in lines:
            expected = {"solution": "mL", "patch": "patches", "tablet": "tablets"}[line.form]
            assert line.dispense_unit == expected, (step["index"], line.product)
            assert (line.wear_hours is not None) == (line.form == "patch"), line.product


def test_the_count_per_dose_names_its_unit() -> None:
    solution = {
        "drug": "morphine",
        "release": "ER",
        "form": "tablet",
        "unit": "mg",
        "daily_dose": 28,
        "administrations": {
            "08:00": [
                {"strength": 2, "count": 7, "release": "IR", "form": "solution", "unit": "mg/mL"}
            ],
            "20:00": [
                {"strength": 2, "count": 7, "release": "IR", "form": "solution", "unit": "mg/mL"}
            ],
        },
    }
    (liquid,) = worksheet_lines([solution], days=28)
    (half,) = worksheet_lines([oxy_er(a0800=[(5, "0.5")], a2000=[(5, "0.5")])], days=28)
    assert liquid.product == "morphine IR solution 2 mg/mL"
    assert liquid.per_dose_words == "7 mL"
    assert half.per_dose_words == "half a tablet"
    assert (
        worksheet_lines([oxy_er(a0800=[(5, 2)], a2000=[(5, 1)])], days=1)[0].per_dose_words is None
    )
