"""The taper's safety bounds hold the numbers of the clinical reference, and the engine refuses a
policy just past each one (so raising a bound in the data or the code fails a test)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from taperwell.clinical.taper import AbruptTaperError, TaperError, check_policy
from taperwell.clinical.taper_model import (
    ABRUPT_INTERVAL_DAYS,
    ABRUPT_PERCENT,
    METHADONE_MAX_PERCENT,
    METHADONE_MIN_INTERVAL_DAYS,
    RAPID_MAX_PERCENT,
    FirstPhase,
    TaperPolicy,
    load_bounds,
)

D = Decimal


def test_the_bounds_are_the_numbers_of_the_clinical_reference_with_their_sources() -> None:
    assert (RAPID_MAX_PERCENT, ABRUPT_PERCENT, ABRUPT_INTERVAL_DAYS) == (50, 25, 7)
    assert (METHADONE_MAX_PERCENT, METHADONE_MIN_INTERVAL_DAYS) == (10, 14)
    bounds = load_bounds()
    assert bounds["rapid_max_percent"].source == "VA-OTDT"
    assert "VA-OTDT" in bounds["max_step_percent"].source


def test_a_rapid_taper_may_cut_fifty_percent_a_step_and_not_one_percent_more() -> None:
    check_policy(TaperPolicy(percent=D(50), interval_days=1, rapid=True, rapid_reason="diversion"))
    with pytest.raises(AbruptTaperError, match="at most 50% per step"):
        check_policy(
            TaperPolicy(percent=D(51), interval_days=1, rapid=True, rapid_reason="diversion")
        )


def test_a_rapid_taper_without_a_written_reason_is_refused() -> None:
    with pytest.raises(AbruptTaperError, match="documented reason"):
        check_policy(TaperPolicy(percent=D(20), interval_days=1, rapid=True, rapid_reason="  "))


def test_without_a_rapid_reason_the_limit_is_twenty_five_percent_a_week() -> None:
    check_policy(TaperPolicy(percent=D(25), interval_days=7))
    with pytest.raises(AbruptTaperError, match="abrupt"):
        check_policy(TaperPolicy(percent=D(26), interval_days=7))
    with pytest.raises(AbruptTaperError, match="abrupt"):
        check_policy(TaperPolicy(percent=D(10), interval_days=6))


def _policy(**changes: object) -> TaperPolicy:
    return TaperPolicy(**{"percent": D(10), "interval_days": 28, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("policy", "error", "message"),
    [
        (_policy(percent=D(0)), TaperError, "the taper rate must be above 0%"),
        (_policy(interval_days=0), TaperError, "steps must be at least 1 day apart"),
        (
            _policy(target_mme_per_day=D(-1)),
            TaperError,
            "the target MME per day cannot be negative",
        ),
        (
            _policy(rapid=True, rapid_reason=None),
            AbruptTaperError,
            "a rapid taper needs a documented reason (VA-OTDT)",
        ),
        (
            _policy(first_phase=FirstPhase(percent=D(0))),
            TaperError,
            "the first phase needs a rate above 0%, an interval and a step count",
        ),
        (
            _policy(first_phase=FirstPhase(interval_days=0)),
            TaperError,
            "the first phase needs a rate above 0%, an interval and a step count",
        ),
        (
            _policy(first_phase=FirstPhase(steps=0)),
            TaperError,
            "the first phase needs a rate above 0%, an interval and a step count",
        ),
        (
            _policy(first_phase=FirstPhase(percent=D(11))),
            TaperError,
            "the first phase must not be faster than the rest of the taper",
        ),
        (
            _policy(first_phase=FirstPhase(percent=D(5), interval_days=13)),
            TaperError,
            "the first phase must not be faster than the rest of the taper",
        ),
        (
            _policy(percent=D(25), interval_days=7, first_phase=FirstPhase(interval_days=6)),
            AbruptTaperError,
            "first-phase steps under 7 days apart need a rapid policy",
        ),
        (
            _policy(percent=D(26), interval_days=7),
            AbruptTaperError,
            "26% every 7 days is an abrupt taper (over 25% per step or under 7 days apart); "
            "it needs to be marked rapid with a documented reason (CDC-2022; HHS-2019; VA-OTDT)",
        ),
        (
            _policy(percent=D(51), interval_days=1, rapid=True, rapid_reason="diversion"),
            AbruptTaperError,
            "a 51% step is too large even for a rapid taper (at most 50% per step, VA-OTDT)",
        ),
        (
            _policy(order=("morphine", "morphine")),
            TaperError,
            "the taper order names a medication twice",
        ),
    ],
)
def test_each_unusable_policy_is_refused_with_its_reason(
    policy: TaperPolicy, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        check_policy(policy)


@pytest.mark.parametrize(
    "policy",
    [
        _policy(percent=D("0.1"), interval_days=1, rapid=True, rapid_reason="diversion"),
        _policy(target_mme_per_day=D(0)),
        _policy(first_phase=FirstPhase(percent=D(5), interval_days=14, steps=1)),
        _policy(first_phase=FirstPhase(percent=D(10), interval_days=28)),
        _policy(
            percent=D(25), interval_days=7, first_phase=FirstPhase(percent=D(5), interval_days=7)
        ),
        _policy(order=("morphine", "oxycodone")),
        _policy(
            percent=D(50),
            interval_days=1,
            rapid=True,
            rapid_reason="diversion",
            first_phase=FirstPhase(percent=D("0.5"), interval_days=1, steps=1),
        ),
    ],
)
def test_policies_at_each_edge_are_allowed(policy: TaperPolicy) -> None:
    check_policy(policy)
