"""What is due: the pure arithmetic of the monitoring a prescriber documents, and its cited data."""

from __future__ import annotations

from datetime import date

import pytest

from taperwell.clinical.formulary import load_sources
from taperwell.monitoring.schedule import DueState, PolicyError, due_item, load_policy

TODAY = date(2026, 12, 7)


def _due(**given):
    values = {
        "last_done": None,
        "every_days": 90,
        "starts_on": date(2026, 8, 1),
        "today": TODAY,
        "soon_days": 14,
    }
    return due_item("pdmp", **(values | given))


def test_never_done_is_due_from_the_start_of_care():
    item = _due()
    assert item.due_on == date(2026, 8, 1)
    assert item.state == DueState.OVERDUE
    assert item.days_overdue == 128


def test_never_done_and_starting_today_is_due_now_not_overdue():
    item = _due(starts_on=TODAY)
    assert item.state == DueState.DUE_SOON
    assert item.due_on == TODAY


def test_done_is_due_again_after_the_interval():
    item = _due(last_done=date(2026, 10, 1))
    assert item.due_on == date(2026, 12, 30)
    assert item.state == DueState.UP_TO_DATE


def test_due_within_the_soon_window_says_so():
    assert _due(last_done=date(2026, 9, 15)).state == DueState.DUE_SOON  # due Dec 14


def test_the_day_after_the_due_date_is_one_day_overdue():
    item = _due(last_done=date(2026, 9, 7))  # due Dec 6
    assert item.state == DueState.OVERDUE
    assert item.days_overdue == 1


def test_an_agreement_uses_its_own_renewal_date():
    item = _due(last_done=date(2026, 1, 10), every_days=365, due_by=date(2026, 12, 1))
    assert item.due_on == date(2026, 12, 1)
    assert item.state == DueState.OVERDUE


def test_an_item_not_required_is_not_needed_whatever_its_dates():
    item = _due(required=False)
    assert item.state == DueState.NOT_NEEDED
    assert item.due_on is None


def test_the_default_policy_follows_cdc_2022_and_cites_every_number():
    policy = load_policy()
    assert policy.every("pdmp") == 90  # Rec 9: at least every 3 months
    assert policy.every("udt") == 365  # Rec 10: at least annually
    assert policy.items["pdmp"].source == "CDC-2022"
    assert policy.items["udt"].source == "CDC-2022"
    assert policy.items["agreement"].required_at == ("oh-80",)
    sources = load_sources()
    for item in policy.items.values():
        assert item.source in sources or (
            item.source == "none" and "no source" in item.note.lower()
        )


def test_a_policy_citing_an_unknown_source_does_not_load(tmp_path):
    text = load_policy.__globals__["POLICY_PATH"].read_text(encoding="utf-8")
    bad = tmp_path / "policy.toml"
    bad.write_text(text.replace('source = "CDC-2022"', 'source = "MADE-UP"', 1), encoding="utf-8")
    with pytest.raises(PolicyError, match="MADE-UP"):
        load_policy(bad)
