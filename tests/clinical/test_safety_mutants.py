"""Tests that kill the mutants `make mutation` found alive in the safety rules: each pins one
behaviour of the crisis and self-harm rules, the interaction classes, the naloxone triggers or
the taper's safety check that no other test held (benchmarks/results/mutation.json)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from taperwell.clinical.bumps import CheckIn, InstrumentResult, check_bumps
from taperwell.clinical.formulary import load_formulary
from taperwell.clinical.guidelines import load_pack
from taperwell.clinical.review import History, find_interactions, naloxone_recommendation
from taperwell.clinical.taper import (
    UnsafeScheduleError,
    plan_taper,
    resume,
    step_back,
    validate_schedule,
)
from taperwell.clinical.taper_catalogue import medication_from_formulary
from taperwell.clinical.taper_model import Schedule, Step, TaperPolicy
from tests.clinical.test_taper_examples import MORPHINE_Q8H, START
from tests.clinical.test_taper_helpers import med

TODAY = date(2027, 2, 1)


def calm_month() -> list[CheckIn]:
    return [CheckIn(date(2027, 1, day), 5, 5, 6, 1, 2) for day in range(1, 32)]


# -- self-harm: PHQ-9 item 9 -----------------------------------------------------------------


def test_a_phq9_whose_item_9_is_words_is_reported_unreadable_and_never_crashes_the_rules() -> None:
    worded = InstrumentResult(date(2027, 1, 5), "phq9", (0, 0, 0, 0, 0, 0, 0, 0, "yes"))
    report = check_bumps(today=TODAY, checkins=calm_month(), instruments=[worded])
    assert [(p.day, p.entry) for p in report.problems] == [(date(2027, 1, 5), "phq9")]
    assert "unreadable-entry" in {f.rule for f in report.flags}


# -- the clinician's history for the naloxone triggers ---------------------------------------


def test_the_history_lists_exactly_the_items_recorded_yes_in_order() -> None:
    assert History().flags() == ()
    assert History(overdose=True, tapering=True).flags() == ("overdose", "tapering")
    assert History(sleep_apnea=True).flags() == ("sleep_apnea",)


def test_an_unknown_history_item_is_refused_with_every_known_one_named() -> None:
    message = (
        "unknown history item(s) asthma, falls "
        "(known: overdose, substance_use_disorder, sleep_apnea, tapering)"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        History.from_mapping({"overdose": True, "falls": True, "asthma": False})


# -- naloxone triggers -----------------------------------------------------------------------


def test_each_naloxone_reason_carries_its_trigger_note_and_what_to_verify() -> None:
    formulary = load_formulary()
    advice = naloxone_recommendation(
        [formulary.get("oxycodone"), formulary.get("alprazolam")],
        total_mme_per_day=Decimal(80),
        history=History(),
        pack=load_pack("cdc-2022", state="OH"),
    )
    by_id = {reason.id: reason for reason in advice.reasons}
    assert set(by_id) == {"mme-50", "cns-depressant", "oh-mme-80"}
    assert by_id["cns-depressant"].note == (
        "FDA labeling change of 23 July 2020 (FDA-2020-NALOXONE) says the same."
    )
    assert by_id["oh-mme-80"].verify == "Tier (80 MED) and its required actions"
    assert by_id["mme-50"].note is None


def test_naloxone_already_on_the_medicine_list_is_noticed() -> None:
    formulary = load_formulary()
    pack = load_pack("cdc-2022")
    oxycodone, naloxone = formulary.get("oxycodone"), formulary.get("naloxone")
    with_it = naloxone_recommendation(
        [oxycodone, naloxone], total_mme_per_day=Decimal(60), history=History(), pack=pack
    )
    without = naloxone_recommendation(
        [oxycodone], total_mme_per_day=Decimal(60), history=History(), pack=pack
    )
    assert (with_it.recommended, with_it.on_medication_list) == (True, True)
    assert (without.recommended, without.on_medication_list) == (True, False)


def test_a_self_harm_flag_names_the_dose_change_before_it_whichever_way_it_was_said() -> None:
    step = date(2027, 1, 4)
    phq9 = InstrumentResult(date(2027, 1, 20), "phq9", (1, 1, 1, 1, 1, 1, 1, 1, 2))
    said_yes = CheckIn(date(2027, 1, 25), 5, 5, 6, 1, 2, self_harm_thoughts=True)
    checkins = [c for c in calm_month() if c.day != said_yes.day] + [said_yes]
    report = check_bumps(today=TODAY, checkins=checkins, instruments=[phq9], dose_changes=[step])
    self_harm = [f for f in report.flags if f.rule == "self-harm"]
    assert [(f.day, f.step_date, f.severity) for f in self_harm] == [
        (date(2027, 1, 20), step, "urgent"),
        (date(2027, 1, 25), step, "urgent"),
    ]
    assert "PHQ-9 item 9" in self_harm[0].reason
    assert "answered 2" in self_harm[0].reason
    assert "answered yes to thoughts of self-harm" in self_harm[1].reason


# -- interaction findings ----------------------------------------------------------------------


def test_an_interaction_finding_carries_its_rule_s_sources_note_and_what_to_verify() -> None:
    formulary = load_formulary()
    pack = load_pack("cdc-2022")
    found = {
        f.id: f
        for f in find_interactions(
            [formulary.get(n) for n in ("oxycodone", "alprazolam", "carisoprodol")], pack
        )
    }
    pair = found["opioid-benzodiazepine"]
    assert (pair.also, pair.note) == (("CDC-2022",), "Boxed warning.")
    three_way = found["opioid-benzodiazepine-carisoprodol"]
    assert three_way.verify == "Effective date is the journal issue month of the source"
    assert (three_way.also, three_way.note) == ((), None)


# -- the taper engine's own check of what it writes (check_steps) ----------------------------


def _oxycodone_plan(**policy: object) -> Schedule:
    return plan_taper(
        [med("oxycodone ER", t0800=40, t2000=40)],
        date(2027, 1, 4),
        TaperPolicy(percent=Decimal(10), interval_days=28, **policy),  # type: ignore[arg-type]
    )


def _with_step(schedule: Schedule, index: int, step: Step) -> Schedule:
    steps = list(schedule.steps)
    steps[index] = step
    return replace(schedule, steps=tuple(steps))


def test_the_check_refuses_a_step_that_swaps_in_another_product_when_that_is_not_allowed() -> None:
    schedule = _oxycodone_plan(allow_formulation_change=False)
    validate_schedule(schedule)
    step = schedule.steps[1]
    (dose,) = step.doses
    first, *others = dose.administrations
    ir_unit = replace(first.units[0], release="IR", form="tablet", unit="mg")
    swapped = replace(first, units=(ir_unit, *first.units[1:]))
    tampered = replace(step, doses=(replace(dose, administrations=(swapped, *others)),))
    expected = (
        f"step {step.index} ({step.start.isoformat()}): oxycodone changes product without a "
        "formulation change being allowed"
    )
    with pytest.raises(UnsafeScheduleError, match=re.escape(expected)):
        validate_schedule(_with_step(schedule, 1, tampered))


def test_the_check_refuses_a_step_that_leaves_out_a_medicine_as_malformed() -> None:
    schedule = _oxycodone_plan()
    with pytest.raises(ValueError, match="shorter"):
        validate_schedule(_with_step(schedule, 1, replace(schedule.steps[1], doses=())))


def test_the_check_refuses_another_product_in_a_patch_step_even_when_changes_are_allowed() -> None:
    schedule = plan_taper(
        [med("fentanyl patch", t0900=50)],
        date(2027, 1, 4),
        TaperPolicy(percent=Decimal(10), interval_days=28, allow_formulation_change=True),
    )
    validate_schedule(schedule)
    step = schedule.steps[1]
    (dose,) = step.doses
    first, *others = dose.administrations
    other = replace(first.units[0], release="IR", form="tablet", unit="mg")
    swapped = replace(first, units=(other, *first.units[1:]))
    tampered = replace(step, doses=(replace(dose, administrations=(swapped, *others)),))
    with pytest.raises(UnsafeScheduleError, match="fentanyl changes product"):
        validate_schedule(_with_step(schedule, 1, tampered))


def test_the_check_lets_an_approved_step_back_rise_and_still_checks_every_step_after_it() -> None:
    plan = plan_taper([MORPHINE_Q8H], START, TaperPolicy(percent=Decimal(10), interval_days=28))
    day = plan.steps[3].start + timedelta(days=5)
    resumed = resume(step_back(plan, on=day, reason="pain flare"), on=day + timedelta(days=14))
    validate_schedule(resumed)  # the approved rise passes; the cuts after it are measured from it
    back = [s.kind for s in resumed.steps].index("step-back")
    stop = resumed.steps[-1]
    after = replace(resumed.steps[back + 1], doses=stop.doses, mme_per_day=stop.mme_per_day)
    with pytest.raises(UnsafeScheduleError, match="stops from more than one smallest unit"):
        validate_schedule(_with_step(resumed, back + 1, after))


def test_the_check_refuses_a_rise_that_is_not_an_approved_step_back_and_names_the_step() -> None:
    schedule = _oxycodone_plan()
    first, second = schedule.steps[0], schedule.steps[1]
    rise = replace(second, doses=first.doses, mme_per_day=first.mme_per_day)
    lower = _with_step(schedule, 0, replace(first, doses=second.doses))
    expected = f"step {second.index} ({second.start.isoformat()}): the dose goes up"
    with pytest.raises(UnsafeScheduleError, match=re.escape(expected)):
        validate_schedule(_with_step(lower, 1, rise))


@pytest.mark.parametrize(
    ("policy", "ceiling"),
    [
        (TaperPolicy(percent=Decimal(10), interval_days=28), "25%"),
        (
            TaperPolicy(percent=Decimal(50), interval_days=1, rapid=True, rapid_reason="diversion"),
            "50%",
        ),
    ],
    ids=["standard", "rapid"],
)
def test_the_lowest_doses_note_names_the_step_limit_of_the_pace(
    policy: TaperPolicy, ceiling: str
) -> None:
    plan = plan_taper([MORPHINE_Q8H], START, policy)
    bottom = [n for s in plan.steps for n in s.notes if "one smallest unit" in n]
    assert bottom
    assert all(f"steps of at most {ceiling} of the dose" in n for n in bottom)


def test_the_check_refuses_a_patch_step_down_of_two_strengths_at_once() -> None:
    plan = plan_taper([med("fentanyl patch", t0900=50)], START, TaperPolicy(percent=Decimal(10)))
    assert [s.mme_per_day for s in plan.steps] == [90, 60, 30, 0]
    skip = replace(plan.steps[1], doses=plan.steps[2].doses, mme_per_day=Decimal(30))
    with pytest.raises(UnsafeScheduleError, match="is above the 25% one step may take"):
        validate_schedule(_with_step(plan, 1, skip))


def test_the_check_refuses_two_smallest_units_off_at_once_at_the_lowest_doses() -> None:
    plan = plan_taper([MORPHINE_Q8H], START, TaperPolicy(percent=Decimal(10), interval_days=28))
    mme = [s.mme_per_day for s in plan.steps]
    at_45 = mme.index(Decimal(45))
    assert mme[at_45 + 1 :] == [30, 15, 0]
    skip = replace(plan.steps[at_45 + 1], doses=plan.steps[at_45 + 2].doses)
    with pytest.raises(UnsafeScheduleError, match="is above the 25% one step may take"):
        validate_schedule(_with_step(plan, at_45 + 1, skip))


def test_the_check_refuses_a_methadone_step_above_ten_percent_unless_rapid() -> None:
    methadone = medication_from_formulary(
        "methadone", doses=[("08:00", Decimal(20)), ("20:00", Decimal(20))], release="IR"
    )
    plan = plan_taper(
        [methadone], date(2027, 1, 4), TaperPolicy(percent=Decimal(10), interval_days=7)
    )
    assert [s.doses[0].daily_dose for s in plan.steps[:4]] == [36, 33, 30, 27]
    cut_25_percent = replace(plan.steps[1], doses=plan.steps[3].doses)  # 36 -> 27 mg
    with pytest.raises(UnsafeScheduleError, match="a methadone step above 10% of its dose"):
        validate_schedule(_with_step(plan, 1, cut_25_percent))


def test_the_check_refuses_stopping_one_medicine_on_the_first_day_even_as_a_small_cut() -> None:
    plan = plan_taper(
        [med("morphine ER", t0800=60, t2000=60), med("oxycodone IR", t2200=5)],
        date(2027, 1, 4),
        TaperPolicy(percent=Decimal(10), interval_days=28),
    )
    first = plan.steps[0]
    assert first.kind == "hold"  # the plan itself waits a step before stopping oxycodone
    oxycodone_stopped = next(s for s in plan.steps if s.doses[1].daily_dose == 0).doses[1]
    stopped_at_once = replace(first, doses=(first.doses[0], oxycodone_stopped))
    with pytest.raises(UnsafeScheduleError, match="a stop or a cut above 25% on the first day"):
        validate_schedule(_with_step(plan, 0, stopped_at_once))


def test_the_check_refuses_a_bottom_step_that_comes_before_a_full_interval() -> None:
    plan = plan_taper([MORPHINE_Q8H], START, TaperPolicy(percent=Decimal(10), interval_days=28))
    mme = [s.mme_per_day for s in plan.steps]
    at_30 = mme.index(Decimal(30))
    held = plan.steps[at_30]
    short = replace(held, end=held.start + timedelta(days=13))
    following = plan.steps[at_30 + 1]
    moved = replace(following, start=held.start + timedelta(days=14))
    rushed = _with_step(_with_step(plan, at_30, short), at_30 + 1, moved)
    with pytest.raises(UnsafeScheduleError, match="comes before a full interval"):
        validate_schedule(rushed)


def _shortened(schedule: Schedule, index: int, days: int) -> Schedule:
    """The schedule with step `index` held `days` days and the step after it moved up to follow."""
    held = schedule.steps[index]
    short = _with_step(schedule, index, replace(held, end=held.start + timedelta(days=days - 1)))
    following = schedule.steps[index + 1]
    return _with_step(short, index + 1, replace(following, start=held.start + timedelta(days=days)))


def test_a_medicine_stopped_earlier_does_not_count_as_a_stop_again_at_each_later_step() -> None:
    plan = plan_taper(
        [med("morphine ER", t0800=60, t2000=60), med("oxycodone IR", t2200=5)],
        date(2027, 1, 4),
        TaperPolicy(percent=Decimal(10), interval_days=28),
    )
    daily = [(s.kind, s.doses[0].daily_dose, s.doses[1].daily_dose) for s in plan.steps[:4]]
    assert daily == [("hold", 120, 5), ("stop", 120, 0), ("reduce", 105, 0), ("reduce", 90, 0)]
    # 105 -> 90 mg is a cut of one seventh: within the step limit, so a shorter hold before it
    # is no stop and no over-limit cut that would need a full interval.
    validate_schedule(_shortened(plan, 2, days=10))
    # The oxycodone stop itself does need one.
    with pytest.raises(UnsafeScheduleError, match="comes before a full interval"):
        validate_schedule(_shortened(plan, 0, days=10))


def test_the_methadone_fourteen_days_are_counted_between_cuts_not_from_a_step_back() -> None:
    methadone = medication_from_formulary(
        "methadone", doses=[("08:00", Decimal(20)), ("20:00", Decimal(20))], release="IR"
    )
    plan = plan_taper(
        [methadone], date(2027, 1, 4), TaperPolicy(percent=Decimal(10), interval_days=21)
    )
    day = plan.steps[2].start + timedelta(days=14)
    resumed = resume(step_back(plan, on=day, reason="pain flare"), on=day + timedelta(days=14))
    validate_schedule(resumed)
    back = [s.kind for s in resumed.steps].index("step-back")
    assert [s.doses[0].daily_dose for s in resumed.steps[back - 1 : back + 2]] == [30, 33, 30]
    # A step back is a return to a dose already taken, not a cut: the cut after it is measured
    # against the cut before it (14 days and more apart), so a shorter step back is allowed...
    validate_schedule(_shortened(resumed, back, days=7))
    # ...while a cut held 7 days before the next cut is not.
    with pytest.raises(UnsafeScheduleError, match="methadone steps must be at least 14 days"):
        validate_schedule(_shortened(resumed, back + 1, days=7))


def test_a_patch_step_down_taken_with_another_cut_must_be_worn_two_patch_changes() -> None:
    policy = TaperPolicy(percent=Decimal(10), interval_days=28)
    plan = plan_taper(
        [med("fentanyl patch", t0900=50), med("oxycodone IR", t0800=15, t2000=15)],
        date(2027, 1, 4),
        policy,
    )
    first, second = plan.steps[0], plan.steps[1]
    assert [d.daily_dose for d in first.doses] == [50, 20]
    assert [d.daily_dose for d in second.doses] == [50, 10]
    one_patch_down = plan_taper([med("fentanyl patch", t0900=50)], START, policy).steps[0]
    assert one_patch_down.doses[0].daily_dose == Decimal("37.5")
    # 50 -> 37.5 mcg/h (30 MME) and 20 -> 10 mg oxycodone (15 MME) of 150 MME: a 30% cut, let
    # through only as one patch strength down (the oxycodone cut is no bottom step), which must
    # then be worn two patch changes of 3 days.
    both = replace(second, doses=(one_patch_down.doses[0], second.doses[1]))
    two_steps = replace(plan, steps=(first, replace(both, end=both.start + timedelta(days=2))))
    expected = (
        "the plan was not made because it would break a safety rule: "
        f"step {both.index} ({both.start.isoformat()}): a patch step down must be worn at "
        "least 6 days"
    )
    with pytest.raises(UnsafeScheduleError, match=f"^{re.escape(expected)}$"):
        validate_schedule(two_steps)


def test_a_step_held_at_zero_after_everything_has_stopped_passes_the_check() -> None:
    plan = plan_taper([MORPHINE_Q8H], START, TaperPolicy(percent=Decimal(10), interval_days=28))
    stop = plan.steps[-1]
    assert stop.kind == "stop"
    again = replace(stop, index=stop.index + 1, start=stop.start + timedelta(days=28))
    validate_schedule(replace(plan, steps=(*plan.steps, again)))


def test_a_patch_put_back_up_beside_a_larger_cut_of_another_medicine_is_still_refused() -> None:
    plan = plan_taper(
        [med("fentanyl patch", t0900=25), med("oxycodone IR", t0800=30, t2000=30)],
        date(2027, 1, 4),
        TaperPolicy(percent=Decimal(10), interval_days=28),
    )
    daily = [[d.daily_dose for d in s.doses] for s in plan.steps]
    first, patch_12, oxycodone_5 = plan.steps[0], plan.steps[-2], plan.steps[-4]
    assert (daily[0], daily[-2], daily[-4]) == ([25, 50], [Decimal("12.5"), 0], [25, 5])
    # 25 -> 12.5 mcg/h, the smallest patch: a bottom step. Then the patch goes back to 25 while
    # oxycodone falls 50 -> 5 mg: 105 -> 67.5 MME, a 36% cut in all. A patch going up one
    # smallest unit is no "one smallest unit off", so nothing exempts that cut.
    down = replace(plan.steps[1], doses=(patch_12.doses[0], first.doses[1]))
    back_up = replace(plan.steps[2], doses=(first.doses[0], oxycodone_5.doses[1]))
    with pytest.raises(UnsafeScheduleError, match=r"a cut of 35\.7% is above the 25%"):
        validate_schedule(replace(plan, steps=(first, down, back_up)))
    validate_schedule(replace(plan, steps=(first, down)))


def test_a_cut_is_also_measured_on_the_box_strengths_of_the_12_patch() -> None:
    patch = medication_from_formulary(
        "fentanyl", doses=[("09:00", Decimal("12.5"))], form="patch"
    )  # the 12 mcg/h patch: counted as 12.5, labelled 12
    plan = plan_taper(
        [patch, med("oxycodone IR", t0800=15, t2000=15)],
        date(2027, 1, 4),
        TaperPolicy(percent=Decimal(10), interval_days=28),
    )
    daily = [[d.daily_dose for d in s.doses] for s in plan.steps]
    assert daily[1:4] == [[12, 20], [12, 15], [12, 10]]
    # Oxycodone 20 -> 10 mg beside the 12 patch in one step: 30 + 30 -> 30 + 15 counted, a cut
    # of exactly 25%; 28.8 + 30 -> 28.8 + 15 as written on the boxes, 25.5%: over the limit.
    skip = replace(plan.steps[2], doses=plan.steps[3].doses)
    with pytest.raises(UnsafeScheduleError, match=r"a cut of 25\.5% is above the 25%"):
        validate_schedule(replace(plan, steps=(plan.steps[0], plan.steps[1], skip)))
