"""Bump rules over month-long patient stories, and the rules data itself."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taperwell.clinical.bumps import (
    SAFETY_ANSWERS,
    Baseline,
    BumpInputError,
    CheckIn,
    Flag,
    InstrumentResult,
    check_bumps,
    find_bumps,
    load_rules,
    parse_rules,
)

STEP = date(2027, 1, 4)
TODAY = date(2027, 2, 1)
BASELINE = Baseline(
    pain=Decimal(6), peg=Decimal("6.3"), phq9=8, gad7=6, sleep=Decimal(5), prn_per_day=1
)


def month(
    *,
    withdrawal: dict[int, int] | None = None,
    pain: dict[int, int] | None = None,
    mood: dict[int, int] | None = None,
    sleep: dict[int, int] | None = None,
    craving: dict[int, int] | None = None,
    prn: dict[int, int] | None = None,
    self_harm: set[int] | None = None,
    skip: set[int] | None = None,
) -> list[CheckIn]:
    """Daily check-ins from 1 to 31 January 2027; the dicts override a calm day by day of month."""
    days = []
    for day in range(1, 32):
        if skip and day in skip:
            continue
        days.append(
            CheckIn(
                day=date(2027, 1, day),
                pain=(pain or {}).get(day, 6 if day % 3 else 5),
                sleep=(sleep or {}).get(day, 5),
                mood=(mood or {}).get(day, 6),
                withdrawal=(withdrawal or {}).get(day, 1 if day < 4 else 2),
                craving=(craving or {}).get(day, 2),
                self_harm_thoughts=bool(self_harm and day in self_harm),
                prn_doses=(prn or {}).get(day, 1 if day % 2 else 0),
            )
        )
    return days


def bumps(checkins: list[CheckIn], **kwargs: object) -> tuple[Flag, ...]:
    kwargs.setdefault("baseline", BASELINE)
    kwargs.setdefault("dose_changes", [STEP])
    return find_bumps(today=TODAY, checkins=checkins, **kwargs)  # type: ignore[arg-type]


def rules_of(flags: tuple[Flag, ...]) -> list[str]:
    return [f.rule for f in flags]


def test_a_smooth_month_on_a_taper_raises_no_flags() -> None:
    phq9 = InstrumentResult(date(2027, 1, 10), "phq9", (1, 1, 1, 1, 1, 1, 1, 0, 0))
    gad7 = InstrumentResult(date(2027, 1, 10), "gad7", (1, 1, 1, 1, 1, 0, 0))
    peg = InstrumentResult(date(2027, 1, 10), "peg", (6, 6, 6))
    assert bumps(month(), instruments=[phq9, gad7, peg]) == ()


def test_a_withdrawal_bump_that_passes_is_only_an_expected_info_flag() -> None:
    flags = bumps(month(withdrawal={5: 4, 6: 5, 7: 5, 8: 3}))
    assert rules_of(flags) == ["withdrawal-expected"]
    (flag,) = flags
    assert flag.severity == "info"
    assert flag.action == "watch"
    assert flag.step_date == STEP
    assert flag.day == date(2027, 1, 6)
    assert "rose to 5/10" in flag.reason
    assert "2 days after the step on Jan 4" in flag.reason


def test_withdrawal_that_stays_high_after_a_step_is_a_high_flag_to_pause() -> None:
    high = {6: 7, 7: 8, 8: 8, 9: 7} | dict.fromkeys(range(10, 25), 6)
    flags = bumps(month(withdrawal=high))
    severe = [f for f in flags if f.rule == "withdrawal-severe"]
    assert len(severe) == 1
    assert severe[0].severity == "high"
    assert severe[0].action == "pause"
    assert severe[0].day == date(2027, 1, 8)
    assert severe[0].reason == (
        "severe withdrawal 8/10 for 4 days, starting 2 days after the step on Jan 4"
    )
    lasting = [f for f in flags if f.rule == "withdrawal-lasting"]
    assert len(lasting) == 1
    assert lasting[0].action == "slow"
    assert lasting[0].day == date(2027, 1, 13)  # 5 or more on 8 of the 14 days to Jan 13
    assert lasting[0].reason == (
        "withdrawal 5/10 or more (up to 8/10) on 8 of the 14 days to Jan 13"
    )
    assert "withdrawal-expected" not in rules_of(flags)


def test_a_mood_decline_is_flagged_by_the_phq9_band_and_the_daily_mood() -> None:
    falling = {d: 6 - (d - 10) // 3 for d in range(10, 32)}
    falling = {d: max(v, 2) for d, v in falling.items()}
    results = [
        InstrumentResult(date(2027, 1, 3), "phq9", (1, 1, 1, 1, 1, 1, 1, 1, 0)),
        InstrumentResult(date(2027, 1, 28), "phq9", (2, 2, 2, 2, 2, 2, 2, 2, 0)),
    ]
    flags = bumps(month(mood=falling), instruments=results)
    band = [f for f in flags if f.rule == "mood-band-up"]
    assert len(band) == 1
    assert band[0].severity == "high"  # 16 is moderately severe
    assert band[0].reason == (
        "PHQ-9 16 (moderately severe) on Jan 28, up from 8 (mild) at baseline"
    )
    assert band[0].action == "call"
    low = [f for f in flags if f.rule == "mood-low"]
    assert len(low) == 1
    assert low[0].severity == "moderate"
    assert "self-harm" not in rules_of(flags)


def test_a_self_harm_answer_is_urgent_with_crisis_help_whatever_else_is_calm() -> None:
    results = [InstrumentResult(date(2027, 1, 21), "phq9", (0, 0, 0, 0, 0, 0, 0, 0, 1))]
    flags = bumps(month(self_harm={20}), instruments=results)
    urgent = [f for f in flags if f.severity == "urgent"]
    assert [f.day for f in urgent] == [date(2027, 1, 20), date(2027, 1, 21)]
    assert all(f.rule == "self-harm" and f.action == "crisis" for f in urgent)
    assert "PHQ-9 item 9" in urgent[1].reason
    assert "answered 1" in urgent[1].reason


def test_pain_worse_than_baseline_for_two_weeks_suggests_slowing() -> None:
    flags = bumps(month(pain=dict.fromkeys(range(12, 32), 9)))
    pain = [f for f in flags if f.rule == "pain-worse"]
    assert len(pain) == 1
    assert pain[0].action == "slow"
    assert "baseline 6" in pain[0].reason
    assert pain[0].step_date == STEP


def test_a_peg_30_percent_worse_than_baseline_is_flagged() -> None:
    results = [InstrumentResult(date(2027, 1, 20), "peg", (8, 8, 9))]
    (flag,) = bumps(month(), instruments=results)
    assert flag.rule == "peg-worse"
    assert "PEG 8.3 on Jan 20" in flag.reason


def test_a_gad7_moving_up_one_band_is_a_moderate_flag() -> None:
    results = [InstrumentResult(date(2027, 1, 25), "gad7", (2, 2, 2, 1, 1, 1, 1))]
    (flag,) = bumps(month(), instruments=results)
    assert flag.rule == "mood-band-up"
    assert flag.severity == "moderate"
    assert "GAD-7 10 (moderate)" in flag.reason


def test_missed_check_ins_are_flagged_once_per_gap_and_up_to_today() -> None:
    checkins = month(skip={10, 11, 12, 13, 28, 29, 30, 31})
    flags = [f for f in bumps(checkins) if f.rule == "missed-checkins"]
    assert [f.day for f in flags] == [date(2027, 1, 12), date(2027, 1, 30)]
    assert flags[0].reason == "no check-in for 4 days (Jan 10 to Jan 13)"
    assert flags[1].reason == "no check-in for 4 days (Jan 28 to Jan 31)"
    assert all(f.step_date is None for f in flags)


def test_two_missed_days_are_not_a_flag() -> None:
    assert bumps(month(skip={10, 11})) == ()


def _every(days: int, start: date, end: date) -> list[CheckIn]:
    """Calm check-ins every `days` days from `start` up to `end`."""
    count = (end - start).days // days + 1
    return [
        CheckIn(
            day=start + timedelta(days=n * days),
            pain=5,
            sleep=6,
            mood=6,
            withdrawal=0,
            craving=1,
            self_harm_thoughts=False,
            prn_doses=0,
        )
        for n in range(count)
    ]


def missed(checkins: list[CheckIn], every: int, today: date = TODAY) -> list[Flag]:
    flags = find_bumps(today=today, checkins=checkins, checkin_every_days=every)
    return [f for f in flags if f.rule == "missed-checkins"]


def test_weekly_check_ins_in_maintenance_are_not_missed_days() -> None:
    weekly = _every(7, date(2027, 1, 4), date(2027, 1, 25))  # Mondays; today is Monday Feb 1
    assert len(missed(weekly, every=1)) == 4  # read as daily, every gap is a bump
    assert missed(weekly, every=7) == []


def test_a_weekly_check_in_missed_by_three_days_is_a_flag() -> None:
    weekly = _every(7, date(2027, 1, 4), date(2027, 1, 11))  # then nothing after Jan 11
    (flag,) = missed(weekly, every=7, today=date(2027, 1, 22))
    assert flag.day == date(2027, 1, 20)  # due on the 18th; the 18th, 19th and 20th went by
    assert flag.reason == (
        "no check-in for 10 days (Jan 12 to Jan 21); one every 7 days was expected"
    )
    assert missed(weekly, every=7, today=date(2027, 1, 20)) == []  # only two missed so far


@given(
    every=st.integers(min_value=1, max_value=28),
    extra=st.integers(min_value=0, max_value=10),
)
def test_check_ins_on_their_cadence_never_count_as_missed_and_a_long_gap_does(
    every: int, extra: int
) -> None:
    start = date(2026, 6, 1)
    on_time = _every(every, start, start + timedelta(days=every * 8))
    last = on_time[-1].day
    today = last + timedelta(days=every)  # the next one is due today
    assert missed(on_time, every, today) == []
    late = last + timedelta(days=every + 2 + extra + 1)  # 3 + extra days past due
    assert len(missed(on_time, every, late)) == 1


def test_a_cadence_below_one_day_is_refused() -> None:
    with pytest.raises(BumpInputError):
        find_bumps(today=TODAY, checkins=[], checkin_every_days=0)


def test_more_as_needed_doses_than_planned_on_three_days_of_a_week() -> None:
    flags = bumps(month(prn={15: 3, 17: 2, 18: 4}))
    assert rules_of(flags) == ["prn-over-plan"]
    assert flags[0].day == date(2027, 1, 18)
    assert "up to 4 a day" in flags[0].reason


def test_high_craving_for_three_days_is_a_high_flag() -> None:
    flags = bumps(month(craving={20: 7, 21: 8, 22: 9}))
    assert rules_of(flags) == ["craving-high"]
    assert flags[0].severity == "high"


def test_new_poor_sleep_is_flagged_against_baseline() -> None:
    flags = bumps(month(sleep=dict.fromkeys(range(15, 32), 1)))
    assert rules_of(flags) == ["sleep-worse"]


def test_a_patient_asking_to_pause_is_passed_on_with_the_current_step() -> None:
    (flag,) = bumps(month(), pause_requests=[date(2027, 1, 20)])
    assert flag.rule == "pause-request"
    assert flag.action == "pause"
    assert flag.step_date == STEP
    assert flag.reason == "asked to pause the taper on Jan 20 (current step from Jan 4)"


def test_nothing_after_today_is_considered() -> None:
    later = [CheckIn(date(2027, 3, 1), 9, 1, 1, 10, 10, True, 9)]
    assert bumps(month() + later, pause_requests=[date(2027, 3, 2)]) == ()


def test_a_check_in_out_of_range_is_reported_with_its_date_not_refused() -> None:
    report = check_bumps(today=TODAY, checkins=[CheckIn(date(2027, 1, 5), 11, 5, 5, 1, 1)])
    assert [(p.day, p.message) for p in report.problems] == [
        (date(2027, 1, 5), "pain must be a whole number 0-10")
    ]


def test_a_questionnaire_with_the_wrong_number_of_answers_is_reported_not_refused() -> None:
    report = check_bumps(
        today=TODAY,
        checkins=month(),
        baseline=BASELINE,
        instruments=[InstrumentResult(date(2027, 1, 5), "phq9", (1, 2))],
    )
    assert [p.entry for p in report.problems] == ["phq9"]
    assert rules_of(report.flags) == ["unreadable-entry"]


def test_every_rule_says_where_its_numbers_come_from() -> None:
    rules = load_rules()
    assert {"self-harm", "withdrawal-severe", "withdrawal-expected", "pain-worse"} <= set(rules)
    for rule in rules.values():
        assert rule.note.strip()
        if rule.source == "none":
            assert "no source" in rule.note.lower()


def test_a_rule_without_a_source_that_does_not_say_so_is_refused() -> None:
    document = {
        "rule": {
            "self-harm": {
                "severity": "urgent",
                "action": "crisis",
                "source": "none",
                "note": "made up",
            }
        }
    }
    with pytest.raises(BumpInputError, match="must say so"):
        parse_rules(document)


calm = st.builds(
    CheckIn,
    day=st.dates(date(2027, 1, 1), date(2027, 1, 31)),
    pain=st.integers(0, 10),
    sleep=st.integers(0, 10),
    mood=st.integers(0, 10),
    withdrawal=st.integers(0, 10),
    craving=st.integers(0, 10),
    self_harm_thoughts=st.booleans(),
    prn_doses=st.integers(0, 5),
)


@settings(max_examples=min(40, settings.default.max_examples), deadline=None)
@given(checkins=st.lists(calm, max_size=40))
def test_any_history_gives_dated_flags_no_later_than_today_and_self_harm_is_never_missed(
    checkins: list[CheckIn],
) -> None:
    flags = bumps(checkins)
    assert all(f.day <= TODAY for f in flags)
    said_yes = {c.day for c in checkins if c.self_harm_thoughts}  # any "yes" of a day counts
    assert {f.day for f in flags if f.rule == "self-harm"} >= said_yes
    assert flags == bumps(list(reversed(checkins))) or len({c.day for c in checkins}) < len(
        checkins
    )
    for earlier, later in itertools.pairwise(flags):
        assert earlier.day <= later.day


# ---------------------------------------------------------------------------------------------
# Issue 13: bump rules that miss nothing urgent. Each "what was seen" first, then the rule data.

WEEKLY_STEPS = [date(2027, 1, 4), date(2027, 1, 11), date(2027, 1, 18), date(2027, 1, 25)]
AT_LEAST_MODERATE = {"moderate", "high", "urgent"}
NO_QUESTIONNAIRES = dataclasses.replace(BASELINE, peg=None, phq9=None, gad7=None)


def test_withdrawal_of_9_for_ten_days_with_no_recent_step_is_flagged() -> None:
    flags = bumps(month(withdrawal=dict.fromkeys(range(15, 25), 9)), dose_changes=[])
    high_days = [f for f in flags if f.rule == "withdrawal-high-days"]
    assert [f.day for f in high_days] == [date(2027, 1, 17)]  # the third day at 8 or more
    assert high_days[0].severity in AT_LEAST_MODERATE
    assert high_days[0].step_date is None
    assert (
        high_days[0].reason == "withdrawal 8/10 or more (up to 9/10) on 3 of the 7 days to Jan 17"
    )


def test_withdrawal_of_8_or_more_on_three_scattered_days_is_flagged_long_after_a_step() -> None:
    flags = bumps(month(withdrawal={20: 8, 22: 9, 24: 8}), dose_changes=[date(2026, 10, 1)])
    (flag,) = [f for f in flags if f.rule == "withdrawal-high-days"]
    assert flag.day == date(2027, 1, 24)
    assert flag.severity in AT_LEAST_MODERATE


def test_withdrawal_of_6_every_day_for_four_weeks_with_weekly_steps_is_lasting_withdrawal() -> None:
    flags = bumps(month(withdrawal=dict.fromkeys(range(4, 32), 6)), dose_changes=WEEKLY_STEPS)
    lasting = [f for f in flags if f.rule == "withdrawal-lasting"]
    assert [f.day for f in lasting] == [date(2027, 1, 11)]  # the 8th of 14 days at 5 or more
    assert lasting[0].severity in AT_LEAST_MODERATE
    assert lasting[0].step_date == date(2027, 1, 11)
    assert lasting[0].reason == (
        "withdrawal 5/10 or more (up to 6/10) on 8 of the 14 days to Jan 11"
    )


def test_withdrawal_of_5_on_fewer_than_most_days_of_two_weeks_is_not_lasting() -> None:
    every_other = {d: 6 for d in range(4, 32) if d % 2}
    flags = bumps(month(withdrawal=every_other), dose_changes=WEEKLY_STEPS)
    assert "withdrawal-lasting" not in rules_of(flags)


def test_a_first_phq9_of_24_with_no_baseline_is_a_high_flag() -> None:
    phq9 = InstrumentResult(date(2027, 1, 10), "phq9", (3, 3, 3, 3, 3, 3, 3, 3, 0))
    flags = bumps(month(), baseline=NO_QUESTIONNAIRES, instruments=[phq9])
    (flag,) = flags
    assert flag.rule == "phq9-severe"
    assert flag.severity == "high"
    assert flag.action == "call"
    assert flag.reason == "PHQ-9 24 (severe) on Jan 10: 20 or more"


def test_a_phq9_of_20_or_more_is_high_even_when_the_baseline_was_already_severe() -> None:
    phq9 = InstrumentResult(date(2027, 1, 10), "phq9", (3, 3, 3, 3, 3, 3, 3, 2, 0))
    flags = bumps(month(), baseline=dataclasses.replace(BASELINE, phq9=22), instruments=[phq9])
    assert [(f.rule, f.severity) for f in flags] == [("phq9-severe", "high")]


def test_a_first_gad7_of_21_with_no_baseline_is_at_least_moderate() -> None:
    gad7 = InstrumentResult(date(2027, 1, 10), "gad7", (3, 3, 3, 3, 3, 3, 3))
    flags = bumps(month(), baseline=NO_QUESTIONNAIRES, instruments=[gad7])
    (flag,) = flags
    assert flag.rule == "gad7-severe"
    assert flag.severity in AT_LEAST_MODERATE
    assert flag.reason == "GAD-7 21 (severe) on Jan 10: 15 or more"


def test_a_phq9_moving_up_into_severe_is_flagged_once_not_twice() -> None:
    phq9 = InstrumentResult(date(2027, 1, 20), "phq9", (3, 3, 3, 3, 3, 3, 2, 2, 0))
    flags = bumps(month(), instruments=[phq9])  # baseline 8 (mild)
    assert [(f.rule, f.severity) for f in flags] == [("mood-band-up", "high")]


def test_a_patient_who_never_checks_in_is_flagged_as_missed_from_enrolment() -> None:
    flags = find_bumps(today=TODAY, checkins=[], enrolled_on=date(2027, 1, 20))
    (flag,) = flags
    assert flag.rule == "missed-checkins"
    assert flag.severity in AT_LEAST_MODERATE
    assert flag.day == date(2027, 1, 23)
    assert flag.reason == "no check-in since enrolling on Jan 20: 11 days (Jan 21 to Jan 31)"


def test_a_first_check_in_that_comes_late_after_enrolment_counts_the_days_missed() -> None:
    flags = bumps(month(skip=set(range(1, 8))), enrolled_on=date(2027, 1, 1))
    (flag,) = [f for f in flags if f.rule == "missed-checkins"]
    assert flag.day == date(2027, 1, 4)
    assert flag.reason == "no check-in since enrolling on Jan 1: 6 days (Jan 2 to Jan 7)"


def test_two_days_since_enrolment_without_a_check_in_is_not_yet_missed() -> None:
    assert find_bumps(today=date(2027, 1, 3), checkins=[], enrolled_on=date(2027, 1, 1)) == ()


def _answered(day: int, **answers: bool) -> list[CheckIn]:
    return [
        dataclasses.replace(c, **answers) if c.day == date(2027, 1, day) else c for c in month()
    ]


def test_an_overdose_reported_on_a_check_in_is_urgent() -> None:
    (flag,) = bumps(_answered(12, overdose=True))
    assert (flag.rule, flag.severity, flag.day) == ("overdose", "urgent", date(2027, 1, 12))
    assert flag.reason == "reported an overdose on the check-in of Jan 12"


def test_naloxone_used_reported_on_a_check_in_is_urgent() -> None:
    (flag,) = bumps(_answered(12, naloxone_used=True))
    assert (flag.rule, flag.severity) == ("naloxone-used", "urgent")
    assert flag.reason == "reported that naloxone was used on the check-in of Jan 12"


def test_opioids_not_prescribed_reported_on_a_check_in_is_high() -> None:
    (flag,) = bumps(_answered(12, not_prescribed_opioids=True))
    assert (flag.rule, flag.severity, flag.action) == ("non-prescribed-opioids", "high", "call")
    assert flag.reason == "took opioids not prescribed to them, on the check-in of Jan 12"


def test_thoughts_of_self_harm_count_even_when_a_later_check_in_that_day_says_no() -> None:
    said_yes = CheckIn(date(2027, 1, 20), 6, 5, 3, 2, 2, self_harm_thoughts=True)
    said_no = CheckIn(date(2027, 1, 20), 6, 5, 6, 2, 2, self_harm_thoughts=False)
    calm = [c for c in month() if c.day != date(2027, 1, 20)]
    for checkins in ([*calm, said_yes, said_no], [*calm, said_no, said_yes]):
        flags = bumps(checkins)
        assert [(f.rule, f.severity, f.day) for f in flags] == [
            ("self-harm", "urgent", date(2027, 1, 20))
        ]


def test_an_overdose_answer_counts_even_when_a_later_check_in_that_day_says_no() -> None:
    first = CheckIn(date(2027, 1, 20), 6, 5, 6, 2, 2, overdose=True)
    later = CheckIn(date(2027, 1, 20), 6, 5, 6, 2, 2, overdose=False)
    calm = [c for c in month() if c.day != date(2027, 1, 20)]
    assert rules_of(bumps([*calm, first, later])) == ["overdose"]


def test_one_malformed_questionnaire_is_reported_and_every_other_rule_still_runs() -> None:
    broken = InstrumentResult(date(2027, 1, 5), "phq9", (1, 2))
    report = check_bumps(
        today=TODAY,
        checkins=month(craving={20: 7, 21: 8, 22: 9}),
        baseline=BASELINE,
        dose_changes=[STEP],
        instruments=[broken, InstrumentResult(date(2027, 1, 20), "peg", (8, 8, 9))],
    )
    assert {"craving-high", "peg-worse"} <= set(rules_of(report.flags))
    (problem,) = report.problems
    assert problem.day == date(2027, 1, 5)
    assert problem.entry == "phq9"
    assert "answer" in problem.message
    unreadable = [f for f in report.flags if f.rule == "unreadable-entry"]
    assert [f.day for f in unreadable] == [date(2027, 1, 5)]
    assert unreadable[0].severity in AT_LEAST_MODERATE


def test_a_malformed_phq9_with_item_9_above_zero_still_raises_the_self_harm_flag() -> None:
    ten_answers = InstrumentResult(date(2027, 1, 5), "phq9", (0, 0, 0, 0, 0, 0, 0, 0, 2, 7))
    report = check_bumps(today=TODAY, checkins=month(), instruments=[ten_answers])
    assert "self-harm" in rules_of(report.flags)
    assert len(report.problems) == 1


def test_a_check_in_out_of_range_is_reported_and_its_safety_answers_still_count() -> None:
    broken = CheckIn(date(2027, 1, 20), 11, 5, 5, 1, 1, self_harm_thoughts=True)
    calm = [c for c in month() if c.day != date(2027, 1, 20)]
    report = check_bumps(today=TODAY, checkins=[*calm, broken], baseline=BASELINE)
    assert "self-harm" in rules_of(report.flags)
    (problem,) = report.problems
    assert (problem.day, problem.entry) == (date(2027, 1, 20), "check-in")
    assert problem.message == "pain must be a whole number 0-10"
    assert report.as_dict()["problems"] == [
        {"date": "2027-01-20", "entry": "check-in", "message": "pain must be a whole number 0-10"}
    ]


def test_find_bumps_gives_the_flags_of_check_bumps() -> None:
    checkins = month(withdrawal=dict.fromkeys(range(15, 25), 9))
    assert (
        find_bumps(today=TODAY, checkins=checkins)
        == check_bumps(today=TODAY, checkins=checkins).flags
    )


def test_the_new_thresholds_are_read_from_the_rules_data() -> None:
    rules = dict(load_rules())
    for rule_id in ("withdrawal-high-days", "withdrawal-lasting", "phq9-severe", "gad7-severe"):
        assert rule_id in rules
    stricter = dataclasses.replace(
        rules["withdrawal-high-days"], params={"level": 10, "days": 3, "window_days": 7}
    )
    rules["withdrawal-high-days"] = stricter
    checkins = month(withdrawal=dict.fromkeys(range(15, 25), 9))
    flags = find_bumps(today=TODAY, checkins=checkins, rules=rules)
    assert "withdrawal-high-days" not in rules_of(flags)


any_entry = st.builds(
    CheckIn,
    day=st.dates(date(2027, 1, 1), date(2027, 1, 31)),
    pain=st.integers(-2, 12),  # some out of range: unreadable, but their answers still count
    sleep=st.integers(0, 10),
    mood=st.integers(0, 10),
    withdrawal=st.integers(0, 10),
    craving=st.integers(0, 10),
    self_harm_thoughts=st.none() | st.booleans(),
    prn_doses=st.none() | st.integers(0, 5),
    overdose=st.none() | st.booleans(),
    naloxone_used=st.none() | st.booleans(),
    not_prescribed_opioids=st.none() | st.booleans(),
)


@settings(max_examples=min(60, settings.default.max_examples), deadline=None)
@given(checkins=st.lists(any_entry, max_size=30))
def test_every_yes_to_a_safety_question_is_flagged_on_its_day_whatever_else_comes(
    checkins: list[CheckIn],
) -> None:
    report = check_bumps(today=TODAY, checkins=checkins, baseline=BASELINE)
    for answer, rule in SAFETY_ANSWERS.items():
        said_yes = {c.day for c in checkins if getattr(c, answer)}
        assert {f.day for f in report.flags if f.rule == rule} >= said_yes, answer
    unreadable = {c.day for c in checkins if not 0 <= c.pain <= 10}
    assert {p.day for p in report.problems} == unreadable
    assert report.flags == check_bumps(
        today=TODAY, checkins=list(reversed(checkins)), baseline=BASELINE
    ).flags or len({c.day for c in checkins}) < len(checkins)
