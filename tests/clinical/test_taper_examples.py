"""Worked examples: the VA morphine taper, patches, halves, several opioids, revisions, wording."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from taperwell.clinical.taper import (
    LOST_TOLERANCE_WARNING,
    TaperError,
    pause,
    plan_taper,
    resume,
    slow_down,
    step_back,
)
from taperwell.clinical.taper_model import FirstPhase
from taperwell.clinical.taper_text import describe_step
from tests.clinical.test_taper_helpers import med, policy, times_of

START = date(2027, 1, 4)  # a Monday
MORPHINE_Q8H = med("morphine ER", t0800=90, t1600=90, t2300=90)


@pytest.mark.parametrize(
    ("percent", "interval"), [(10, 28), (10, 7)], ids=["10% a month", "10% a week"]
)
def test_the_va_morphine_taper_lengthens_the_interval_before_stopping(
    percent: int, interval: int
) -> None:
    schedule = plan_taper([MORPHINE_Q8H], START, policy(percent, interval))
    times = times_of(schedule, "morphine")
    assert times[-4:] == [
        ("08:00", "16:00", "23:00"),
        ("08:00", "23:00"),
        ("23:00",),
        (),
    ]
    kinds = [s.kind for s in schedule.steps]
    assert kinds[-3:] == ["lengthen-interval", "lengthen-interval", "stop"]
    assert [s.mme_per_day for s in schedule.steps[-4:]] == [45, 30, 15, 0]
    assert schedule.baseline_mme_per_day == 270


def test_a_monthly_plan_takes_steps_no_bigger_than_ten_percent_of_the_original_dose() -> None:
    schedule = plan_taper([MORPHINE_Q8H], START, policy(10, 28))
    first = schedule.steps[0]
    assert first.mme_per_day == 255  # 27 mg allowed; 15 mg is the largest cut that fits
    assert first.end == START + timedelta(days=27)
    assert "10% per" not in " ".join(first.notes)


def test_a_patch_step_larger_than_the_rate_is_held_proportionally_longer_with_a_note() -> None:
    fentanyl = med("fentanyl patch", t0900=50)
    schedule = plan_taper([fentanyl], START, policy(10, 28))
    first = schedule.steps[0]
    assert first.doses[0].daily_dose == Decimal("37.5")
    # 12.5 of 50 is 25%: 2.5 months at 10% a month, rounded up to whole 3-day patch changes.
    assert first.days == 72
    assert any("held 72 days" in note for note in first.notes)
    assert all(s.days is None or s.days % 3 == 0 for s in schedule.steps)
    assert describe_step(first) == (
        "From Monday, January 4: patch: wear one 37.5 mcg/h patch, changed every 3 days as before."
    )


def test_er_tablets_are_never_halved_even_when_halves_are_allowed() -> None:
    schedule = plan_taper([med("oxycodone ER", t0800=10)], START, policy(10, 28, allow_halves=True))
    # Never a stop on the first day: the one tablet is kept a full interval, then stopped.
    assert [s.kind for s in schedule.steps] == ["hold", "stop"]
    assert schedule.steps[1].start >= START + timedelta(days=28)
    counts = [
        u.count for s in schedule.steps for d in s.doses for a in d.administrations for u in a.units
    ]
    assert all(c == c.to_integral_value() for c in counts)


def test_scored_ir_tablets_are_halved_only_when_the_policy_allows() -> None:
    morphine = med("morphine IR", t0800=15, t2000=15)
    whole = plan_taper([morphine], START, policy(10, 28))
    halves = plan_taper([morphine], START, policy(10, 28, allow_halves=True))
    assert Decimal("22.5") not in [s.mme_per_day for s in whole.steps]
    assert Decimal("22.5") in [s.mme_per_day for s in halves.steps]
    assert len(halves.steps) > len(whole.steps)
    step = next(s for s in halves.steps if s.mme_per_day == Decimal("22.5"))
    assert "half a 15 mg IR tablet" in describe_step(step)


def test_the_short_acting_opioid_goes_first_unless_the_clinician_chooses() -> None:
    regimen = [med("oxycodone ER", t0800=30, t2000=30), med("oxycodone IR", t1400=10)]
    default = plan_taper(regimen, START, policy(10, 28))
    assert default.steps[0].doses[1].daily_dose < 10
    assert default.steps[0].doses[0].daily_dose == 60
    chosen = plan_taper(regimen, START, policy(10, 28, order=("oxycodone ER tablet",)))
    assert chosen.steps[0].doses[0].daily_dose < 60
    assert chosen.steps[0].doses[1].daily_dose == 10


def test_a_slower_first_phase_takes_two_small_steps_in_the_first_month() -> None:
    oxycodone = med("oxycodone ER", t0800=80, t2000=80)  # 240 MME
    schedule = plan_taper(
        [oxycodone], START, policy(10, 7, first_phase=FirstPhase(Decimal(5), 14, 2))
    )
    first, second, third = schedule.steps[:3]
    assert [first.days, second.days] == [14, 14]
    assert [s.doses[0].daily_dose for s in (first, second, third)] == [155, 150, 135]
    assert third.start == START + timedelta(days=28)
    assert third.days == 7
    assert any("DARNALL-2018" in n for n in first.notes)


def test_a_taper_to_a_target_stops_at_the_first_dose_at_or_below_it() -> None:
    schedule = plan_taper([MORPHINE_Q8H], START, policy(10, 28, target_mme_per_day=Decimal(90)))
    assert schedule.steps[-1].mme_per_day == 90
    assert schedule.steps[-1].end is None
    assert any("Target reached" in n for n in schedule.steps[-1].notes)


def test_the_patient_reads_each_step_in_plain_words() -> None:
    regimen = [med("oxycodone ER", t0800=30, t2000=30), med("oxycodone IR", t0800=5)]
    schedule = plan_taper(regimen, START, policy(5, 28, order=("oxycodone ER tablet",)))
    text = describe_step(schedule.steps[0])
    assert text.startswith("From Monday, January 4: morning: ")
    assert "one 5 mg IR tablet" in text
    assert "evening: " in text


def test_pausing_keeps_the_dose_and_resuming_never_cuts_sooner_than_the_rate_allows() -> None:
    plan = plan_taper([MORPHINE_Q8H], START, policy(10, 28))
    paused = pause(plan, on=START + timedelta(days=10), reason="family illness")
    assert paused.paused
    assert paused.steps[-1].index == 1
    assert paused.steps[-1].end is None
    assert paused.history[-1].kind == "pause"
    assert paused.history[-1].steps == plan.steps
    resumed = resume(paused, on=START + timedelta(days=12))
    # The first step still lasts its full 28 days.
    assert resumed.steps[1].start == START + timedelta(days=28)
    assert [h.kind for h in resumed.history] == ["pause", "resume"]
    assert [s.mme_per_day for s in resumed.steps] == [s.mme_per_day for s in plan.steps]
    with pytest.raises(TaperError, match="not paused"):
        resume(resumed, on=START + timedelta(days=40))


def test_slowing_down_replans_from_todays_dose_and_refuses_a_faster_policy() -> None:
    plan = plan_taper([MORPHINE_Q8H], START, policy(10, 28))
    day = plan.steps[2].start + timedelta(days=3)
    slower = slow_down(plan, on=day, policy=policy(5, 28), reason="withdrawal")
    assert slower.steps[2].mme_per_day == plan.steps[2].mme_per_day
    assert slower.steps[3].start >= plan.steps[3].start
    assert slower.steps[-1].start > plan.steps[-1].start
    assert slower.history[-1].kind == "slow-down"
    with pytest.raises(TaperError, match="not slower"):
        slow_down(plan, on=day, policy=policy(20, 28))


def test_a_step_back_raises_the_dose_once_warns_about_lost_tolerance_and_holds() -> None:
    plan = plan_taper([MORPHINE_Q8H], START, policy(10, 28))
    day = plan.steps[3].start + timedelta(days=5)
    back = step_back(plan, on=day, reason="pain flare")
    last = back.steps[-1]
    assert last.kind == "step-back"
    assert last.mme_per_day == plan.steps[2].mme_per_day
    assert last.change_percent > 0
    assert last.paused
    assert LOST_TOLERANCE_WARNING in last.notes
    assert LOST_TOLERANCE_WARNING in back.warnings
    assert back.steps[-2].end == day - timedelta(days=1)
    resumed = resume(back, on=day + timedelta(days=14))
    assert resumed.steps[-1].mme_per_day == 0
    mmes = [s.mme_per_day for s in resumed.steps]
    rises = [i for i in range(1, len(mmes)) if mmes[i] > mmes[i - 1]]
    assert rises == [4]  # only the approved step back
    with pytest.raises(TaperError, match="earlier step"):
        step_back(plan, on=day, reason="x", to_index=9)
