"""Questionnaires: items as data, one scoring function, bands and flags from the reference."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taperwell.clinical.formulary import DataError, load_sources, read_toml
from taperwell.clinical.instruments import (
    INSTRUMENTS_DIR,
    InvalidAnswers,
    UnknownInstrumentError,
    get_instrument,
    instrument_ids,
    load_all,
    parse_instrument,
    score,
)

D = Decimal


def answers_summing_to(total: int, count: int, top: int) -> list[int]:
    """`count` answers each 0..top adding up to `total`, spread from the first item."""
    answers = []
    for _ in range(count):
        answers.append(min(top, total))
        total -= answers[-1]
    assert total == 0
    return answers


# Bands copied from the reference table (section 5): (lowest total, highest total, label).
PHQ9_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"),
              (15, 19, "moderately severe"), (20, 27, "severe")]  # fmt: skip
GAD7_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]
COWS_BANDS = [(5, 12, "mild"), (13, 24, "moderate"), (25, 36, "moderately severe"),
              (37, 48, "severe")]  # fmt: skip
# ORT weights (female, male) in item order, from the reference.
ORT_WEIGHTS = [(1, 3), (2, 3), (4, 4), (3, 3), (4, 4), (5, 5), (1, 1), (3, 0), (2, 2), (1, 1)]


def test_the_six_instruments_are_available() -> None:
    assert set(instrument_ids()) >= {"peg", "phq9", "gad7", "sows", "cows", "ort"}


@pytest.mark.parametrize(
    ("instrument", "items", "values"),
    [
        ("peg", 3, set(range(11))),
        ("phq9", 9, {0, 1, 2, 3}),
        ("gad7", 7, {0, 1, 2, 3}),
        ("sows", 16, {0, 1, 2, 3, 4}),
        ("ort", 10, {0, 1}),
    ],
)
def test_item_counts_and_answer_ranges_follow_the_reference(
    instrument: str, items: int, values: set[int]
) -> None:
    spec = get_instrument(instrument)
    assert len(spec.scored_items) == items
    assert all(item.values == values for item in spec.scored_items)


def test_cows_has_eleven_signs_with_a_maximum_of_48() -> None:
    spec = get_instrument("cows")
    assert len(spec.items) == 11
    assert sum(max(item.values) for item in spec.items) == 48


def test_every_instrument_has_a_source_licence_and_version() -> None:
    sources = load_sources()
    for spec in load_all():
        assert spec.source in sources
        assert spec.licence
        assert spec.version
        assert all(item.text for item in spec.items)


def test_sows_and_ort_carry_a_verify_note_on_their_licence() -> None:
    assert get_instrument("sows").verify
    assert get_instrument("ort").verify


@pytest.mark.parametrize(("low", "high", "label"), PHQ9_BANDS)
def test_phq9_bands_follow_the_reference(low: int, high: int, label: str) -> None:
    for total in (low, high):
        # Item 9 stays 0 so no flag is raised.
        result = score("phq9", [*answers_summing_to(total, 8, 3), 0] if total <= 24 else [3] * 9)
        assert result.total == total
        assert result.band == label


@pytest.mark.parametrize(("low", "high", "label"), GAD7_BANDS)
def test_gad7_bands_follow_the_reference(low: int, high: int, label: str) -> None:
    for total in (low, high):
        assert score("gad7", answers_summing_to(total, 7, 3)).band == label


def test_cows_below_5_has_no_band_and_the_reference_bands_apply_above() -> None:
    spec = get_instrument("cows")
    assert spec.band_for(D(4)) is None
    for low, high, label in COWS_BANDS:
        assert spec.band_for(D(low)) == label
        assert spec.band_for(D(high)) == label
    assert score("cows", [4, 4, 5, 5, 4, 4, 5, 4, 4, 4, 5]).band == "severe"


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item_9_above_zero_flags_suicide_risk_whatever_the_total(item9: int) -> None:
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, item9])
    assert result.flags == ("suicide-risk",)
    assert result.band == "minimal"


def test_phq9_without_item_9_raises_no_flag() -> None:
    assert score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]).flags == ()


def test_phq9_accepts_the_unscored_difficulty_question_as_a_tenth_answer() -> None:
    result = score("phq9", [1, 2, 0, 3, 1, 0, 2, 1, 1, 3])
    assert result.total == 11
    assert result.flags == ("suicide-risk",)


def test_the_issue_example_phq9_scores_11_moderate() -> None:
    result = score("phq9", [1, 2, 0, 3, 1, 0, 2, 1, 1])
    assert result.total == 11
    assert result.band == "moderate"


@pytest.mark.parametrize(
    ("answers", "mean"), [([5, 6, 6], "5.67"), ([3, 3, 3], "3"), ([0, 0, 10], "3.33")]
)
def test_peg_total_is_the_mean_of_its_three_answers(answers: list[int], mean: str) -> None:
    result = score("peg", answers)
    assert result.total == D(mean)
    assert str(result.total) == mean
    assert result.band is None


@pytest.mark.parametrize(("answers", "shown"), [([10, 10, 10], "10"), ([0, 0, 0], "0")])
def test_a_whole_peg_mean_reads_as_a_plain_number(answers: list[int], shown: str) -> None:
    assert str(score("peg", answers).total) == shown


def test_sows_has_no_bands() -> None:
    spec = get_instrument("sows")
    assert spec.bands == ()
    assert score("sows", [4] * 16).band is None
    assert score("sows", [4] * 16).total == 64


@pytest.mark.parametrize("item", range(10))
def test_ort_weights_differ_by_sex_as_in_the_reference(item: int) -> None:
    answers = [0] * 10
    answers[item] = 1
    female, male = ORT_WEIGHTS[item]
    assert score("ort", answers, sex="female").total == female
    assert score("ort", answers, sex="male").total == male


@pytest.mark.parametrize(
    ("total", "band"), [(0, "low"), (3, "low"), (4, "moderate"), (7, "moderate"), (8, "high")]
)
def test_ort_bands_follow_the_reference(total: int, band: str) -> None:
    assert get_instrument("ort").band_for(D(total)) == band


def test_ort_without_sex_is_refused() -> None:
    with pytest.raises(InvalidAnswers, match="sex"):
        score("ort", [0] * 10)


@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        ("phq9", [1, 2, 3], "needs 9"),
        ("gad7", [0, 0, 0, 0, 0, 0, 4], "not one of"),
        ("gad7", [0, 0, 0, 0, 0, 0, -1], "not one of"),
        ("peg", [1, 2, 2.5], "whole number"),
        ("peg", [1, 2, True], "must be a number"),
        ("cows", [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "not one of"),
    ],
)
def test_wrong_counts_and_out_of_range_answers_raise_a_clear_error(
    instrument: str, answers: list[Any], message: str
) -> None:
    with pytest.raises(InvalidAnswers, match=message):
        score(instrument, answers)
    assert issubclass(InvalidAnswers, ValueError)


def test_instrument_ids_are_forgiving_about_case_and_hyphens() -> None:
    assert get_instrument("PHQ-9").id == "phq9"
    with pytest.raises(UnknownInstrumentError):
        get_instrument("promis")


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=9, max_size=9))
def test_phq9_total_is_the_sum_and_always_has_a_band(answers: list[int]) -> None:
    result = score("phq9", answers)
    assert result.total == sum(answers)
    assert result.band is not None
    assert ("suicide-risk" in result.flags) == (answers[8] > 0)


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=3, max_size=3))
def test_peg_total_stays_within_a_rounding_step_of_the_mean(answers: list[int]) -> None:
    total = score("peg", answers).total
    assert abs(total - D(sum(answers)) / 3) <= D("0.005")
    assert D(0) <= total <= D(10)


def raw(name: str) -> dict[str, Any]:
    return copy.deepcopy(read_toml(INSTRUMENTS_DIR / f"{name}.toml"))


def test_the_instrument_validator_rejects_overlapping_bands() -> None:
    document = raw("gad7")
    document["bands"][1]["min"] = 4
    with pytest.raises(DataError, match="overlap"):
        parse_instrument(document, where="gad7.toml")


def test_the_instrument_validator_rejects_a_flag_on_a_missing_item_and_an_unknown_source() -> None:
    document = raw("phq9")
    document["flags"][0]["item"] = 12
    with pytest.raises(DataError, match="item 12"):
        parse_instrument(document, where="phq9.toml")
    document = raw("phq9")
    document["source"] = "SOMEONE"
    with pytest.raises(DataError, match="unknown source"):
        parse_instrument(document, where="phq9.toml")


def test_a_clinic_can_add_a_licensed_instrument_in_the_same_format() -> None:
    document = {
        "id": "clinic-scale",
        "name": "A clinic's licensed scale",
        "version": "1",
        "source": "KREBS-2009",
        "licence": "Licensed to the clinic.",
        "instructions": "Rate each.",
        "scoring": "sum",
        "options": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}],
        "item": [{"text": "First"}, {"text": "Second"}],
    }
    spec = parse_instrument(document, where="clinic-scale")
    assert spec.max_total() == 2
