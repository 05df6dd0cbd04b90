"""Properties of every taper plan, over random regimens and policies."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from taperwell.clinical.taper import AbruptTaperError, plan_taper
from taperwell.clinical.taper_model import FirstPhase, Medication, Pause, Schedule, TaperPolicy
from tests.clinical.test_taper_helpers import PRODUCTS

SETTINGS = settings(
    max_examples=min(60, settings.default.max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TIMES = ("08:00", "12:00", "16:00", "22:00")


@st.composite
def medications(draw: st.DrawFn, product: str) -> Medication:
    base = PRODUCTS[product]
    if base.is_patch:
        count = 1
        times: tuple[str, ...] = ("09:00",)
    else:
        count = draw(st.integers(1, 3 if base.release == "ER" else 4))
        times = {1: ("21:00",), 2: ("08:00", "20:00"), 3: ("08:00", "16:00", "23:00")}.get(
            count, TIMES
        )
    doses = []
    for time in times:
        units = draw(st.lists(st.sampled_from(base.strengths), min_size=1, max_size=2))
        doses.append((time, sum(units, Decimal(0))))
    return Medication(
        drug=base.drug,
        release=base.release,
        form=base.form,
        unit=base.unit,
        doses=tuple(doses),
        strengths=base.strengths,
        factor=base.factor,
        scored=base.scored,
        splittable=base.splittable,
        wear_hours=base.wear_hours,
    )


@st.composite
def regimens(draw: st.DrawFn) -> tuple[Medication, ...]:
    names = draw(st.lists(st.sampled_from(sorted(PRODUCTS)), min_size=1, max_size=2, unique=True))
    return tuple(draw(medications(name)) for name in names)


@st.composite
def policies(draw: st.DrawFn) -> TaperPolicy:
    first = draw(st.booleans())
    interval = draw(st.sampled_from([7, 14, 28, 42, 56]))
    percent = Decimal(draw(st.integers(5, 25)))
    return TaperPolicy(
        percent=percent,
        interval_days=interval,
        of=draw(st.sampled_from(["original", "current"])),
        allow_halves=draw(st.booleans()),
        first_phase=FirstPhase(percent=min(Decimal(5), percent), interval_days=interval, steps=2)
        if first
        else None,
    )


def _limits(schedule: Schedule, index: int) -> tuple[Decimal, int]:
    """Percent and interval that applied to the cut into step `index` (0-based)."""
    policy = schedule.policy
    if policy.first_phase is not None and index < policy.first_phase.steps:
        return policy.first_phase.percent, policy.first_phase.interval_days
    return policy.percent, policy.interval_days


def check_rate(schedule: Schedule) -> None:
    """No cut, averaged over the time it is held, is faster than the policy allows."""
    steps = schedule.steps
    previous = schedule.baseline_mme_per_day
    for i, step in enumerate(steps):
        cut = previous - step.mme_per_day
        base = schedule.baseline_mme_per_day if schedule.policy.of == "original" else previous
        percent, interval = _limits(schedule, i)
        held = step.days if step.end is not None else None
        if step.kind == "stop" and i > 0:
            held_before = steps[i - 1].days
            assert held_before is not None
            held = held_before if held is None else min(held, held_before)
        if held is not None:
            averaged = cut / base * 100 * interval / held
            assert averaged <= percent + Decimal("0.0001"), (i, step, averaged)
        previous = step.mme_per_day


def check_units(schedule: Schedule) -> None:
    by_drug = {(m.drug, m.release): m for m in schedule.regimen}
    for step in schedule.steps:
        for dose in step.doses:
            medication = by_drug[(dose.drug, dose.release)]
            total = Decimal(0)
            for administration in dose.administrations:
                for unit in administration.units:
                    assert unit.strength in medication.strengths
                    assert unit.count > 0
                    if unit.count != unit.count.to_integral_value():
                        assert unit.count % 1 == Decimal("0.5")
                        assert schedule.policy.allow_halves
                        assert medication.release == "IR"
                        assert not medication.is_patch
                        assert unit.strength in medication.scored
                total += administration.amount
            assert total == dose.daily_dose


@SETTINGS
@given(regimen=regimens(), policy=policies(), start=st.dates(date(2026, 1, 1), date(2030, 1, 1)))
def test_every_plan_keeps_the_rules(
    regimen: tuple[Medication, ...], policy: TaperPolicy, start: date
) -> None:
    schedule = plan_taper(regimen, start, policy)
    steps = schedule.steps
    assert steps
    # MME falls at every step (after a first-day hold, if any), and the dates run on without gaps.
    mmes = [schedule.baseline_mme_per_day, *(s.mme_per_day for s in steps if s.kind != "hold")]
    assert all(later < earlier for earlier, later in itertools.pairwise(mmes))
    assert steps[0].start == start
    for earlier, later in itertools.pairwise(steps):
        assert earlier.end is not None
        assert earlier.end + timedelta(days=1) == later.start
        assert earlier.end >= earlier.start
    assert steps[-1].end is None
    # The last step reaches the target: everything stopped.
    assert steps[-1].mme_per_day == 0
    assert all(not d.administrations for d in steps[-1].doses)
    check_rate(schedule)
    check_units(schedule)


@SETTINGS
@given(regimen=regimens(), policy=policies())
def test_only_one_medicine_changes_per_step_and_times_are_kept(
    regimen: tuple[Medication, ...], policy: TaperPolicy
) -> None:
    schedule = plan_taper(regimen, date(2027, 1, 4), policy)
    previous = [tuple(sorted(m.doses)) for m in regimen]
    for step in schedule.steps:
        current = [tuple((a.time, a.amount) for a in d.administrations) for d in step.doses]
        changed = [i for i, (a, b) in enumerate(zip(previous, current, strict=True)) if a != b]
        if step.kind == "hold":
            assert not changed
            continue
        assert len(changed) == 1
        i = changed[0]
        assert {t for t, _ in current[i]} <= {t for t, _ in previous[i]}
        previous = current


@SETTINGS
@given(
    regimen=regimens(),
    policy=policies(),
    target_share=st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal("0.8")]),
)
def test_a_taper_to_a_target_ends_at_or_below_it_and_no_lower_than_needed(
    regimen: tuple[Medication, ...], policy: TaperPolicy, target_share: Decimal
) -> None:
    baseline = plan_taper(regimen, date(2027, 1, 4), policy).baseline_mme_per_day
    target = (baseline * target_share).quantize(Decimal("0.01"))
    assume(target > 0)
    schedule = plan_taper(regimen, date(2027, 1, 4), replace(policy, target_mme_per_day=target))
    assert schedule.steps[-1].mme_per_day <= target
    assert all(s.mme_per_day > target for s in schedule.steps[:-1])
    check_rate(schedule)


@SETTINGS
@given(
    percent=st.integers(26, 100),
    interval=st.integers(1, 60),
    regimen=regimens(),
)
def test_abrupt_policies_are_refused_unless_rapid_with_a_reason(
    percent: int, interval: int, regimen: tuple[Medication, ...]
) -> None:
    policy = TaperPolicy(percent=Decimal(percent), interval_days=interval)
    with pytest.raises(AbruptTaperError):
        plan_taper(regimen, date(2027, 1, 4), policy)
    fast = TaperPolicy(percent=Decimal(10), interval_days=min(interval, 6))
    with pytest.raises(AbruptTaperError):
        plan_taper(regimen, date(2027, 1, 4), fast)
    no_reason = TaperPolicy(percent=Decimal(min(percent, 50)), interval_days=interval, rapid=True)
    with pytest.raises(AbruptTaperError):
        plan_taper(regimen, date(2027, 1, 4), no_reason)


@SETTINGS
@given(regimen=regimens(), percent=st.integers(10, 50), interval=st.integers(1, 6))
def test_a_rapid_taper_with_a_reason_is_planned_and_flagged(
    regimen: tuple[Medication, ...], percent: int, interval: int
) -> None:
    policy = TaperPolicy(
        percent=Decimal(percent), interval_days=interval, rapid=True, rapid_reason="diversion"
    )
    schedule = plan_taper(regimen, date(2027, 1, 4), policy)
    assert any("RAPID TAPER" in w and "diversion" in w for w in schedule.warnings)
    check_rate(schedule)
    check_units(schedule)


@SETTINGS
@given(
    regimen=regimens(),
    policy=policies(),
    offset=st.integers(0, 200),
    days=st.integers(1, 60),
)
def test_a_planned_pause_keeps_the_dose_longer_and_the_dates_contiguous(
    regimen: tuple[Medication, ...], policy: TaperPolicy, offset: int, days: int
) -> None:
    start = date(2027, 1, 4)
    plain = plan_taper(regimen, start, policy)
    paused = plan_taper(regimen, start, policy, pauses=[Pause(start + timedelta(offset), days)])
    assert [s.mme_per_day for s in plain.steps] == [s.mme_per_day for s in paused.steps]
    for earlier, later in zip(paused.steps, paused.steps[1:], strict=False):
        assert earlier.end is not None
        assert earlier.end + timedelta(days=1) == later.start
    check_rate(paused)
    held = [p for p in paused.steps if any("Paused" in n for n in p.notes)]
    if held:
        (step,) = held
        assert step.start <= start + timedelta(offset) <= step.end  # type: ignore[operator]
