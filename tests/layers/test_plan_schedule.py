"""The typed view of an approved schedule: which step applies on a day, worked by hand."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from taperwell.tapering.schedule import schedule_from_document
from taperwell.tapering.selectors import schedule_of

# Three steps as the engine stores them: 90 → 80 → 70 MME a day, a month apart; the last is
# open-ended (no end date).
DOCUMENT = {
    "baseline_mme_per_day": 90,
    "steps": [
        {
            "index": 1,
            "kind": "hold",
            "start_date": "2026-01-01",
            "end_date": "2026-01-31",
            "mme_per_day": 90,
            "change_percent": 0,
            "paused": False,
            "text": "Keep taking the same dose.",
        },
        {
            "index": 2,
            "kind": "reduce",
            "start_date": "2026-02-01",
            "end_date": "2026-02-28",
            "mme_per_day": 80,
            "change_percent": -11.1,
            "paused": False,
            "text": "Take a little less.",
        },
        {
            "index": 3,
            "kind": "reduce",
            "start_date": "2026-03-01",
            "end_date": None,
            "mme_per_day": 67.5,
            "change_percent": -15.6,
            "paused": False,
            "text": "Take a little less again.",
        },
    ],
}


class _Plan:
    def __init__(self, schedule: dict) -> None:
        self.schedule = schedule


def test_the_step_in_force_is_the_one_whose_dates_hold_the_day():
    schedule = schedule_from_document(DOCUMENT)
    assert schedule.step_on(date(2025, 12, 31)) is None  # before the plan starts
    assert schedule.step_on(date(2026, 1, 1)).index == 1  # the first day of a step
    assert schedule.step_on(date(2026, 1, 31)).index == 1  # its last day
    assert schedule.step_on(date(2026, 2, 1)).index == 2
    assert schedule.step_on(date(2027, 6, 1)).index == 3  # an open-ended last step holds


def test_the_mme_on_a_day_is_the_mme_of_the_step_in_force():
    schedule = schedule_from_document(DOCUMENT)
    assert schedule.mme_on(date(2025, 12, 31)) is None
    assert schedule.mme_on(date(2026, 1, 15)) == Decimal("90")
    assert schedule.mme_on(date(2026, 2, 28)) == Decimal("80")
    assert schedule.mme_on(date(2026, 3, 1)) == Decimal("67.5")


def test_the_next_step_is_the_first_to_begin_after_the_day():
    schedule = schedule_from_document(DOCUMENT)
    assert schedule.next_step(date(2025, 12, 1)).index == 1
    assert schedule.next_step(date(2026, 1, 31)).index == 2
    assert schedule.next_step(date(2026, 2, 1)).index == 3
    assert schedule.next_step(date(2026, 3, 1)) is None


def test_what_follows_the_step_in_force_is_the_step_after_it():
    schedule = schedule_from_document(DOCUMENT)
    assert schedule.following(date(2025, 12, 1)).index == 1  # before the start: the first
    assert schedule.following(date(2026, 1, 10)).index == 2
    assert schedule.following(date(2026, 3, 10)) is None  # on the last step


def test_steps_are_typed_and_keep_the_stored_step():
    step = schedule_from_document(DOCUMENT).steps[1]
    assert step.start == date(2026, 2, 1)
    assert step.end == date(2026, 2, 28)
    assert step.mme_per_day == Decimal("80")
    assert step.change_percent == Decimal("-11.1")
    assert step.changes_dose
    assert step.text == "Take a little less."
    assert step.document is DOCUMENT["steps"][1]


def test_dose_changes_are_the_days_a_step_changed_the_dose():
    schedule = schedule_from_document(DOCUMENT)
    assert schedule.dose_change_days() == (date(2026, 2, 1), date(2026, 3, 1))
    assert schedule.baseline_mme_per_day == Decimal("90")
    assert schedule.first_day == date(2026, 1, 1)


def test_a_finished_plan_still_says_where_it_left_the_patient():
    ended = {**DOCUMENT, "steps": [*DOCUMENT["steps"][:2]]}
    schedule = schedule_from_document(ended)
    assert schedule.step_on(date(2026, 3, 5)) is None
    assert schedule.latest_started(date(2026, 3, 5)).mme_per_day == Decimal("80")
    assert schedule.latest_started(date(2025, 12, 1)) is None


def test_a_paused_plan_ends_on_its_held_step():
    held = {**DOCUMENT["steps"][1], "end_date": None, "paused": True}
    schedule = schedule_from_document({**DOCUMENT, "steps": [DOCUMENT["steps"][0], held]})
    assert schedule.ends_paused
    assert schedule.step_on(date(2026, 9, 1)).paused
    assert not schedule_from_document(DOCUMENT).ends_paused


def test_no_plan_or_an_unapproved_plan_has_an_empty_schedule():
    for schedule in (schedule_of(None), schedule_of(_Plan({}))):
        assert not schedule
        assert schedule.steps == ()
        assert schedule.step_on(date(2026, 1, 1)) is None
        assert schedule.mme_on(date(2026, 1, 1)) is None
        assert schedule.baseline_mme_per_day is None
    assert schedule_of(_Plan(DOCUMENT))


def test_a_step_without_a_start_date_is_refused():
    with pytest.raises((KeyError, ValueError)):
        schedule_from_document({"steps": [{"index": 1, "start_date": None}]})


ROOT = Path(__file__).resolve().parents[2] / "taperwell"
# A date read from a stored step: `date.fromisoformat(step["start_date"])` and its kin.
STEP_DATE = re.compile(r"fromisoformat\([^)]*(start_date|end_date)")


def test_only_the_schedule_module_reads_a_step_date_from_the_stored_document():
    readers = []
    for path in ROOT.rglob("*.py"):
        if "clinical" in path.parts:  # the engine parses its own input documents
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STEP_DATE.search(line) and not re.search(r"inputs\[", line):
                readers.append(f"{path.relative_to(ROOT.parent)}:{number}")
    assert readers == []


def test_the_schedule_module_is_the_only_place_that_parses_a_step_date():
    source = (ROOT / "tapering" / "schedule.py").read_text(encoding="utf-8")
    assert "date.fromisoformat(" in source


def test_a_plan_is_read_once_and_read_again_when_its_schedule_is_replaced():
    from taperwell.tapering.models import TaperPlan

    plan = TaperPlan(schedule=DOCUMENT)
    first = schedule_of(plan)
    assert schedule_of(plan) is first
    plan.schedule = {**DOCUMENT, "steps": DOCUMENT["steps"][:1]}
    again = schedule_of(plan)
    assert again is not first
    assert len(again.steps) == 1
    assert schedule_of(TaperPlan(schedule=DOCUMENT)) is not first  # another plan object: its own
