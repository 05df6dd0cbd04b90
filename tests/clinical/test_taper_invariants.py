"""Issue 13: the safety rules hold on every schedule the engine returns, for random regimens of
every opioid in the formulary (by generic and brand name), every pace in taper_paces.toml, both
`of` modes, with and without formulation changes; or the engine refuses with TaperError.

These checks are written apart from the engine's own (taper.check_steps), from the documents
and the formulary, so a mistake in one is caught by the other.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taperwell.clinical.formulary import load_brands, load_formulary
from taperwell.clinical.guidelines import load_pack
from taperwell.clinical.taper import TaperError, UnsafeScheduleError, plan_taper
from taperwell.clinical.taper_catalogue import (
    PLANNABLE_FORMS,
    load_paces,
    medication_from_formulary,
    pack_mme,
)
from taperwell.clinical.taper_model import (
    AS_NEEDED,
    BOTTOM_UNITS,
    METHADONE_MAX_PERCENT,
    METHADONE_MIN_INTERVAL_DAYS,
    PATCH_HOLD_WEAR_INTERVALS,
    RAPID_MAX_PERCENT,
    FirstPhase,
    Medication,
    Schedule,
    Step,
    TaperPolicy,
)

SETTINGS = settings(
    max_examples=min(80, settings.default.max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
PACK = load_pack("cdc-2022")
MME = pack_mme(PACK)
START = date(2027, 1, 4)
TIMES = {
    1: ("21:00",),
    2: ("08:00", "20:00"),
    3: ("08:00", "16:00", "23:00"),
    4: ("06:00", "12:00", "18:00", "23:00"),
}


def _names() -> list[tuple[str, str | None]]:
    """(name, release) for every plannable opioid product: generic names with their release,
    and brand names (which fix their own)."""
    formulary = load_formulary()
    names: list[tuple[str, str | None]] = []
    for drug in formulary:
        if not drug.is_opioid:
            continue
        for release in sorted({p.release for p in drug.products if p.form in PLANNABLE_FORMS}):
            names.append((drug.name, release))
    for brand in load_brands().values():
        drug = formulary.get(brand.drug)
        if any(p.form in PLANNABLE_FORMS and p.release == brand.release for p in drug.products):
            names.append((brand.name, None))
    return names


NAMES = _names()


@st.composite
def medication(draw: st.DrawFn, name: tuple[str, str | None]) -> Medication | None:
    drug, release = name
    probe = _try(
        lambda: medication_from_formulary(
            drug, doses=[("08:00", Decimal(1))], release=release, pack=PACK
        )
    )
    if probe is None:
        return None
    strengths = [probe.label_of(s) for s in probe.strengths]
    if probe.is_patch:
        times: tuple[str, ...] = ("09:00",)
    else:
        times = TIMES[draw(st.integers(1, 3 if probe.release == "ER" else 4))]
    doses = [
        (t, sum(draw(st.lists(st.sampled_from(strengths), min_size=1, max_size=2)), Decimal(0)))
        for t in times
    ]
    return _try(lambda: medication_from_formulary(drug, doses=doses, release=release, pack=PACK))


def _try(make: Any) -> Any:
    try:
        return make()
    except TaperError:
        return None


@st.composite
def regimens(draw: st.DrawFn) -> tuple[Medication, ...]:
    picked = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=2))
    regimen: dict[str, Medication] = {}
    for name in picked:
        item = draw(medication(name))
        if item is not None:
            regimen.setdefault(item.key, item)
    if draw(st.booleans()):
        # An as-needed line: its daily maximum is planned too.
        drug, release = draw(
            st.sampled_from(
                [("oxycodone", "IR"), ("morphine", "IR"), ("hydromorphone", "IR"), ("Norco", None)]
            )
        )
        probe = medication_from_formulary(drug, doses=[("08:00", Decimal(1))], release=release)
        strength = draw(st.sampled_from(probe.strengths))
        item = medication_from_formulary(
            drug,
            doses=[(AS_NEEDED, strength * draw(st.integers(1, 6)))],
            release=release,
            strengths=[strength],
            pack=PACK,
            as_needed=True,
        )
        regimen.setdefault(item.key, item)
    if not regimen:
        # Every name above that cannot be planned (no MME factor, liquids) was refused; fall
        # back to a plain one so the example still tests something.
        regimen["m"] = medication_from_formulary(
            "morphine", doses=[("08:00", Decimal(30))], release="ER", pack=PACK
        )
    return tuple(regimen.values())


@st.composite
def policies(draw: st.DrawFn) -> TaperPolicy:
    pace = draw(st.sampled_from(load_paces()))
    low, high = pace.percent_range
    percent = Decimal(draw(st.integers(int(low), int(high))))
    interval = draw(st.integers(*pace.interval_range))
    first = None
    if pace.first_phase:
        first = FirstPhase(percent=min(Decimal(5), percent), interval_days=max(interval, 14))
    return TaperPolicy(
        percent=percent,
        interval_days=interval,
        of=draw(st.sampled_from(["original", "current"])),
        first_phase=first,
        allow_halves=draw(st.booleans()),
        allow_formulation_change=draw(st.booleans()),
        rapid=pace.rapid,
        rapid_reason="diversion" if pace.rapid else None,
    )


def smallest_unit(medication: Medication, policy: TaperPolicy) -> Fraction:
    """The smallest amount any product of the drug can give (added products count whether or
    not the policy allows them; halves only when it does)."""
    amounts = [Fraction(s) for s in medication.strengths]
    if policy.allow_halves and medication.release == "IR" and medication.splittable:
        amounts += [Fraction(s) / 2 for s in medication.scored if s in medication.strengths]
    for product in medication.added:
        amounts += [Fraction(s) for s in product.strengths]
        if policy.allow_halves and product.form == "tablet":
            amounts += [Fraction(s) / 2 for s in product.scored]
    return min(amounts)


def counted(medication: Medication, step_dose: Any) -> Fraction:
    """A day's amount as the engine counts it (the 12 mcg/h patch as 12.5)."""
    total = Fraction(0)
    for administration in step_dose.administrations:
        for unit in administration.units:
            strength = unit.strength if unit.release else medication.counted_of(unit.strength)
            total += Fraction(strength) * Fraction(unit.count)
    return total


def labelled(step_dose: Any) -> Fraction:
    return sum(
        (
            Fraction(u.strength) * Fraction(u.count)
            for a in step_dose.administrations
            for u in a.units
        ),
        Fraction(0),
    )


def weights(schedule: Schedule, amounts: list[Fraction]) -> Fraction:
    return sum(
        (Fraction(m.factor) * a for m, a in zip(schedule.regimen, amounts, strict=True)),
        Fraction(0),
    )


def patch_levels(medication: Medication, below: Fraction) -> list[Fraction]:
    """Every amount up to four patches can make, below `below`."""
    strengths = [Fraction(s) for s in medication.strengths]
    levels = {Fraction(0)}
    for _ in range(4):
        levels |= {a + s for a in levels for s in strengths}
    return sorted(a for a in levels if 0 < a < below)


def _written(medication: Medication, time: str, amount: Decimal) -> Decimal:
    written = medication.written_at(time)
    return medication.label_of(amount) if written is None else written


def check_invariants(schedule: Schedule) -> None:
    policy = schedule.policy
    regimen = schedule.regimen
    ceiling = RAPID_MAX_PERCENT if policy.rapid else Decimal(25)
    interval = policy.interval_days
    if policy.first_phase is not None:
        interval = min(interval, policy.first_phase.interval_days)
    units = [smallest_unit(m, policy) for m in regimen]
    before_counted = [sum((Fraction(a) for _, a in m.doses), Fraction(0)) for m in regimen]
    # The starting dose as written on the boxes (25 + 12 mcg/h is 37, counted 37.5).
    before_labelled = [
        sum((Fraction(_written(m, t, a)) for t, a in m.doses), Fraction(0)) for m in regimen
    ]
    previous: Step | None = None
    for position, step in enumerate(schedule.steps):
        now_counted = [counted(m, d) for m, d in zip(regimen, step.doses, strict=True)]
        now_labelled = [labelled(d) for d in step.doses]
        old_w, new_w = weights(schedule, before_counted), weights(schedule, now_counted)
        old_l, new_l = weights(schedule, before_labelled), weights(schedule, now_labelled)
        assert new_w <= old_w, ("the dose rose", step)
        cut = max((old_w - new_w) / old_w, (old_l - new_l) / old_l) * 100
        changed = [i for i in range(len(regimen)) if now_counted[i] != before_counted[i]]
        assert len(changed) <= 1, ("more than one medicine changed", step)
        exempt = False
        for i in changed:
            medication, was, now = regimen[i], before_counted[i], now_counted[i]
            bottom = was - now <= units[i] and was <= BOTTOM_UNITS * units[i]
            patch = medication.is_patch and now == max(patch_levels(medication, was), default=0)
            exempt = bottom or patch
            if now == 0:
                # A stop only from at most one smallest unit a day, after a full interval.
                assert was <= units[i], ("a stop from more than one smallest unit", step)
                assert previous is not None, ("a stop on the first day", step)
            if medication.drug == "methadone" and not policy.rapid:
                if not bottom:
                    most = max(was * Fraction(METHADONE_MAX_PERCENT) / 100, units[i])
                    assert was - now <= most, ("methadone step above 10%", step)
                for held in (previous, step):
                    if held is not None and held.days is not None:
                        assert held.days >= METHADONE_MIN_INTERVAL_DAYS, ("methadone", step)
            if medication.is_patch and cut > ceiling:
                settle = PATCH_HOLD_WEAR_INTERVALS * (medication.wear_hours or 24) // 24
                for held in (previous, step):
                    if held is not None and held.days is not None:
                        assert held.days >= settle, ("patch step held too short", step)
            if cut > ceiling and previous is not None and previous.days is not None:
                assert previous.days >= interval, ("a big cut before a full interval", step)
        if step.days is not None:
            assert step.days >= interval, ("a step held less than one interval", step)
        if position == 0:
            assert step.kind != "stop", "a stop on the first day"
            assert cut <= ceiling, ("a big cut on the first day", step)
        assert cut <= ceiling or exempt, (f"a cut of {float(cut):.1f}%", step)
        # Added products: the same drug only, named in the notes; never without permission,
        # never on a patch.
        for medication, dose in zip(regimen, step.doses, strict=True):
            added = [u for a in dose.administrations for u in a.units if u.release]
            if added:
                assert policy.allow_formulation_change
                assert not medication.is_patch
                assert any("formulation change" in n for n in step.notes), step
                assert dose.drug == medication.drug
            for a in dose.administrations:
                for u in a.units:
                    if u.release is None:
                        assert medication.counted_of(u.strength) in medication.strengths
        before_counted, before_labelled, previous = now_counted, now_labelled, step
    if policy.target_mme_per_day == 0:
        assert all(not d.administrations for d in schedule.steps[-1].doses)


def plan_or_refuse(regimen: tuple[Medication, ...], policy: TaperPolicy) -> Schedule | None:
    refusal = ""
    try:
        return plan_taper(regimen, START, policy, mme=MME)
    except UnsafeScheduleError:
        raise  # the engine's own check caught a schedule it made: a bug, never a refusal
    except TaperError as error:
        refusal = str(error)
    # A refusal must say why, in words.
    assert len(refusal) > 20
    return None


@SETTINGS
@given(regimen=regimens(), policy=policies())
def test_every_schedule_keeps_the_safety_rules_or_is_refused(
    regimen: tuple[Medication, ...], policy: TaperPolicy
) -> None:
    schedule = plan_or_refuse(regimen, policy)
    if schedule is not None:
        check_invariants(schedule)


@SETTINGS
@given(
    regimen=regimens(),
    policy=policies(),
    share=st.sampled_from([Decimal("0.3"), Decimal("0.6")]),
)
def test_a_plateau_at_the_target_keeps_the_safety_rules_too(
    regimen: tuple[Medication, ...], policy: TaperPolicy, share: Decimal
) -> None:
    baseline = sum((MME(m, m.daily_dose) for m in regimen), Decimal(0))
    target = (baseline * share).quantize(Decimal("0.01"))
    schedule = plan_or_refuse(
        regimen,
        TaperPolicy(**{**policy.__dict__, "target_mme_per_day": target}),
    )
    if schedule is not None:
        check_invariants(schedule)
        assert schedule.steps[-1].mme_per_day <= target
        assert schedule.steps[-1].end is None


@SETTINGS
@given(regimen=regimens(), policy=policies())
def test_without_formulation_changes_no_other_product_appears(
    regimen: tuple[Medication, ...], policy: TaperPolicy
) -> None:
    strict = TaperPolicy(**{**policy.__dict__, "allow_formulation_change": False})
    schedule = plan_or_refuse(regimen, strict)
    if schedule is not None:
        check_invariants(schedule)
        assert not any(
            u.release
            for s in schedule.steps
            for d in s.doses
            for a in d.administrations
            for u in a.units
        )


@SETTINGS
@given(
    regimen=regimens(),
    policy=policies(),
    pause_after=st.integers(0, 400),
    resume_after=st.integers(1, 90),
)
def test_pausing_and_resuming_keeps_the_safety_rules(
    regimen: tuple[Medication, ...], policy: TaperPolicy, pause_after: int, resume_after: int
) -> None:
    from datetime import timedelta

    from taperwell.clinical.taper import pause, resume

    schedule = plan_or_refuse(regimen, policy)
    if schedule is None:
        return
    on = START + timedelta(days=pause_after)
    current = schedule.step_on(on)
    if current is None or not any(d.daily_dose for d in current.doses):
        return
    paused = pause(schedule, on=on, reason="family illness")
    resumed = resume(paused, on=on + timedelta(days=resume_after), mme=MME)
    check_invariants(resumed)
