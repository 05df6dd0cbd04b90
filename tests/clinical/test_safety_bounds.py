"""The taper's safety bounds hold the numbers of the clinical reference, and the engine refuses a
policy just past each one (so raising a bound in the data or the code fails a test)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from taperwell.clinical.taper import AbruptTaperError, check_policy
from taperwell.clinical.taper_model import (
    ABRUPT_INTERVAL_DAYS,
    ABRUPT_PERCENT,
    METHADONE_MAX_PERCENT,
    METHADONE_MIN_INTERVAL_DAYS,
    RAPID_MAX_PERCENT,
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
