"""A plan's formulation change (oral solution in a line of ER tablets, mg for mg) is shown on the
dose cards as the product the patient takes: a measure of liquid, never tablets of the line's
first product."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from taperwell.medications.dose_cards import scheduled_items
from taperwell.medications.selectors import step_lines

# A stored step as the engine writes it when ER tablets alone cannot make a small enough step.
STEP = {
    "index": 1,
    "start_date": "2026-11-17",
    "medications": [
        {
            "drug": "morphine",
            "release": "ER",
            "form": "tablet",
            "daily_dose": 43,
            "unit": "mg",
            "administrations": {
                "08:00": [
                    {"strength": 15, "count": 1},
                    {
                        "strength": 2,
                        "count": 7,
                        "release": "IR",
                        "form": "solution",
                        "unit": "mg/mL",
                    },
                ],
                "20:00": [
                    {
                        "strength": 2,
                        "count": 7,
                        "release": "IR",
                        "form": "solution",
                        "unit": "mg/mL",
                    }
                ],
            },
        }
    ],
}


def _cards():
    return scheduled_items(SimpleNamespace(lines=step_lines(STEP)))


def test_a_measure_of_oral_solution_is_shown_as_liquid_not_as_tablets():
    (evening,) = _cards()["20:00"]
    assert evening.product == "morphine IR solution"
    assert evening.kind == "liquid"
    assert evening.dose_text == "7 mL of 2 mg/mL"
    assert "tablet" not in evening.product


def test_tablets_and_solution_at_one_time_are_two_items_with_their_own_products():
    morning = _cards()["08:00"]
    assert [(i.product, i.kind, i.dose_text) for i in morning] == [
        ("morphine ER tablet", "tablet", "15 mg \u00d7 1"),
        ("morphine IR solution", "liquid", "7 mL of 2 mg/mL"),
    ]


def test_the_amount_logged_stays_in_the_lines_unit():
    (evening,) = _cards()["20:00"]
    assert (evening.amount, evening.unit) == (Decimal(14), "mg")


def test_the_dose_of_record_words_name_the_solution_every_page_reads():
    (line,) = step_lines(STEP)
    assert line.text == (
        "morphine ER tablet: 15 mg + 7 mL of the 2 mg/mL IR solution at 08:00; "
        "7 mL of the 2 mg/mL IR solution at 20:00"
    )
    assert "tablets of 2 mg" not in line.text
