"""The taper engine: from today's regimen and a policy to a schedule of dated steps.

Rules it keeps, each from `shared/clinical-reference.md` section 3:

- never abrupt: a policy faster than 25% per step or with steps under 7 days apart is refused
  unless marked rapid with a reason (CDC-2022 Rec 5; HHS-2019; FDA-2019-TAPER; VA-OTDT);
- the policy's rate is a ceiling: each cut is the largest that fits, and when even the smallest
  possible cut is bigger, that step is held proportionally longer;
- doses are whole units of real strengths; ER tablets and patches are never split; scored IR
  tablets are halved only when the policy allows; patch changes keep their wear interval;
- one opioid at a time (the clinician's order, else short-acting first);
- at the smallest dose the interval between doses is lengthened (q8h -> q12h -> nightly) before
  stopping (VA-OTDT worked examples; CDC-POCKET-TAPER);
- every step it writes is checked (`check_steps`, bounds in data/taper_rules.toml): at most 25%
  of the step before (50% if rapid), except one smallest unit at a time at the smallest strength
  or one patch strength at a time; never a stop or such a cut on the first day (a hold comes
  first); a stop only from one smallest unit a day; methadone at most 10% and 14 days apart;
  same-drug IR tablets or oral solution are added, mg for mg and named, only when the listed
  product cannot make a step within 25%.

Cuts are measured in "taper weight": MME with each drug's factor fixed at the starting dose, so
a percentage means the same thing at every step even where a factor depends on the dose.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from taperwell.clinical.taper_model import (
    ABRUPT_INTERVAL_DAYS,
    ABRUPT_PERCENT,
    AS_NEEDED,
    BOTTOM_UNITS,
    METHADONE_MAX_PERCENT,
    METHADONE_MIN_INTERVAL_DAYS,
    PATCH_HOLD_WEAR_INTERVALS,
    RAPID_MAX_PERCENT,
    AbruptTaperError,
    Administration,
    DrugDose,
    FirstPhase,
    Medication,
    Pause,
    Revision,
    RevisionKind,
    Schedule,
    Step,
    StepKind,
    TaperError,
    TaperPolicy,
    UnitDose,
)
from taperwell.clinical.taper_units import UnitMenu, plain, to_decimal, to_fraction

__all__ = [
    "AbruptTaperError",
    "FirstPhase",
    "Medication",
    "MmeFunction",
    "Pause",
    "Schedule",
    "Step",
    "TaperError",
    "TaperPolicy",
    "UnsafeScheduleError",
    "check_policy",
    "check_steps",
    "pause",
    "plan_taper",
    "resume",
    "slow_down",
    "step_back",
    "validate_schedule",
]

MmeFunction = Callable[[Medication, Decimal], Decimal]
"""Real MME per day for a medication at a daily dose (may use dose-dependent factors)."""

LOST_TOLERANCE_WARNING = (
    "Going back up: tolerance falls within about a week of a lower dose, so an earlier dose can "
    "now cause an overdose. Confirm naloxone is at home and someone there can use it (VA-OTDT)."
)
_MAX_STEPS = 2000
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")

# One medication's doses in a state: (time, amount) per administration; empty once stopped.
_Doses = tuple[tuple[str, Fraction], ...]
_State = tuple[_Doses, ...]


def factor_mme(medication: Medication, daily_dose: Decimal) -> Decimal:
    """MME with the medication's own (fixed) factor: the default when no guideline pack is used."""
    return medication.factor * daily_dose


def check_policy(policy: TaperPolicy) -> None:
    """Raise AbruptTaperError or TaperError if the policy may not be used."""
    if policy.percent <= 0:
        raise TaperError("the taper rate must be above 0%")
    if policy.interval_days < 1:
        raise TaperError("steps must be at least 1 day apart")
    if policy.target_mme_per_day < 0:
        raise TaperError("the target MME per day cannot be negative")
    if policy.rapid:
        if not (policy.rapid_reason or "").strip():
            raise AbruptTaperError("a rapid taper needs a documented reason (VA-OTDT)")
        if policy.percent > RAPID_MAX_PERCENT:
            raise AbruptTaperError(
                f"a {policy.percent}% step is too large even for a rapid taper "
                f"(at most {RAPID_MAX_PERCENT}% per step, VA-OTDT)"
            )
    elif policy.percent > ABRUPT_PERCENT or policy.interval_days < ABRUPT_INTERVAL_DAYS:
        raise AbruptTaperError(
            f"{policy.percent}% every {policy.interval_days} days is an abrupt taper "
            f"(over {ABRUPT_PERCENT}% per step or under {ABRUPT_INTERVAL_DAYS} days apart); "
            "it needs to be marked rapid with a documented reason (CDC-2022; HHS-2019; VA-OTDT)"
        )
    phase = policy.first_phase
    if phase is not None:
        if phase.percent <= 0 or phase.interval_days < 1 or phase.steps < 1:
            raise TaperError("the first phase needs a rate above 0%, an interval and a step count")
        if phase.percent > policy.percent or (
            phase.percent / phase.interval_days > policy.percent_per_day()
        ):
            raise TaperError("the first phase must not be faster than the rest of the taper")
        if not policy.rapid and phase.interval_days < ABRUPT_INTERVAL_DAYS:
            raise AbruptTaperError(
                f"first-phase steps under {ABRUPT_INTERVAL_DAYS} days apart need a rapid policy"
            )
    if policy.order and len(set(policy.order)) != len(policy.order):
        raise TaperError("the taper order names a medication twice")


# ---------------------------------------------------------------------------------------------
# Planning


@dataclass(frozen=True)
class _Move:
    state: _State
    kind: StepKind
    cut: Fraction  # in taper weight
    allowance: Fraction  # in taper weight per interval
    interval: int
    phase: str  # "first" or "main"
    drug: str
    # Why a cut above the step limit is allowed: "bottom" (one smallest unit at a time at the
    # smallest strength), "patch" (one patch strength at a time), "first-day" (a hold before
    # such a cut), or "" for an ordinary step.
    rule: str = ""
    index: int = 0  # which medication changes


class _Planner:
    def __init__(
        self,
        regimen: Sequence[Medication],
        policy: TaperPolicy,
        *,
        original_weight: Fraction,
        ceilings: Sequence[Fraction] | None = None,
    ) -> None:
        self.regimen = tuple(regimen)
        self.policy = policy
        self.original_weight = original_weight
        if ceilings is None:
            ceilings = [max(to_fraction(a) for _, a in m.doses) for m in self.regimen]
        # The listed products only, and (when formulation changes are allowed) with the same
        # drug's added products; doses are always written with the second.
        self.base_menus = [
            UnitMenu(m, allow_halves=policy.allow_halves, ceiling=c)
            for m, c in zip(self.regimen, ceilings, strict=True)
        ]
        self.menus = [
            UnitMenu(
                m,
                allow_halves=policy.allow_halves,
                ceiling=c,
                include_added=policy.allow_formulation_change,
            )
            if policy.allow_formulation_change and m.added
            else base
            for m, c, base in zip(self.regimen, ceilings, self.base_menus, strict=True)
        ]
        # The smallest unit of each drug among all its products, added ones included whether or
        # not the policy allows them: the lowest-dose rules start only there, so turning
        # formulation changes off makes the engine refuse rather than take bigger cuts.
        self.floors = [
            (
                UnitMenu(m, allow_halves=policy.allow_halves, ceiling=c, include_added=True)
                if m.added and not menu.added
                else menu
            ).smallest
            for m, c, menu in zip(self.regimen, ceilings, self.menus, strict=True)
        ]
        self.factors = [to_fraction(m.factor) for m in self.regimen]
        self.order = _taper_order(self.regimen, policy.order, policy.as_needed_first)

    def weight(self, state: _State) -> Fraction:
        return sum(
            (
                f * sum((a for _, a in doses), Fraction(0))
                for f, doses in zip(self.factors, state, strict=True)
            ),
            Fraction(0),
        )

    def target_weight(self) -> Fraction:
        return to_fraction(self.policy.target_mme_per_day)

    def allowance(self, state: _State, percent: Decimal) -> Fraction:
        basis = self.original_weight if self.policy.of == "original" else self.weight(state)
        return basis * to_fraction(percent) / 100

    def step_limit(self, state: _State, index: int) -> Fraction:
        """The largest cut (taper weight) an ordinary step may make from `state`."""
        percent = RAPID_MAX_PERCENT if self.policy.rapid else ABRUPT_PERCENT
        limit = self.weight(state) * to_fraction(percent) / 100
        if _is_methadone(self.regimen[index]) and not self.policy.rapid:
            own = self.factors[index] * sum((a for _, a in state[index]), Fraction(0))
            unit = self.factors[index] * self.floors[index]
            limit = min(limit, max(own * to_fraction(METHADONE_MAX_PERCENT) / 100, unit))
        return limit

    def plan_moves(
        self, state: _State, *, first_phase_steps: int, first_day: bool = False
    ) -> list[_Move]:
        moves: list[_Move] = []
        start_state = state
        phase = self.policy.first_phase
        while not self.reached(state):
            if len(moves) >= _MAX_STEPS:
                raise TaperError("the plan would need more than 2000 steps; use a faster policy")
            in_first = phase is not None and len(moves) < first_phase_steps
            percent = phase.percent if in_first and phase else self.policy.percent
            interval = phase.interval_days if in_first and phase else self.policy.interval_days
            allowance = self.allowance(state, percent)
            new, kind, index, rule = self.choose(state, allowance)
            if rule:
                # A cut above the step limit at the lowest doses: slow down. It is held at least
                # as long as steps of the step limit (25%, or the rapid ceiling) per interval
                # would take, measured against the dose at that time.
                ceiling = RAPID_MAX_PERCENT if self.policy.rapid else ABRUPT_PERCENT
                allowance = min(allowance, self.weight(state) * to_fraction(ceiling) / 100)
            if _is_methadone(self.regimen[index]) and not self.policy.rapid:
                interval = max(interval, METHADONE_MIN_INTERVAL_DAYS)
            moves.append(
                _Move(
                    state=new,
                    kind=kind,
                    cut=self.weight(state) - self.weight(new),
                    allowance=allowance,
                    interval=interval,
                    phase="first" if in_first else "main",
                    drug=self.regimen[index].drug,
                    rule=rule,
                    index=index,
                )
            )
            state = new
        if first_day and moves and (moves[0].rule or moves[0].kind == "stop"):
            # Never a stop, and never a cut above the step limit, on the plan's first day: the
            # starting dose is kept for one interval first.
            first = moves[0]
            moves.insert(
                0, replace(first, state=start_state, kind="hold", cut=Fraction(0), rule="first-day")
            )
        return moves

    def reached(self, state: _State) -> bool:
        target = self.target_weight()
        if target > 0:
            return self.weight(state) <= target
        return not any(state)

    def choose(self, state: _State, allowance: Fraction) -> tuple[_State, StepKind, int, str]:
        """The next dose: the largest cut within the allowance, else the smallest cut there is,
        never above the step limit except by the rules for the lowest doses.

        Only one medication changes per step (the first in the taper order still taken). The
        listed products are tried first; added products of the same drug only when the listed
        ones cannot make a step within the limit.
        """
        index = next(i for i in self.order if state[i])
        doses = state[index]
        full = self.menus[index]
        current = self.weight(state)
        target = self.target_weight()
        limit = self.step_limit(state, index)
        menus = [self.base_menus[index]] + ([full] if full is not self.base_menus[index] else [])
        if any(full.uses_added(a) for _, a in doses):
            menus = [full]  # once a formulation change is made, keep it rather than undo it
        for menu in menus:
            cuts = self._cuts(doses, menu, index, reduce_only=menu is not full)
            valid = [item for item in cuts if self._fits(state, index, item, limit)]
            within = [item for item in valid if item[0] <= allowance]
            reaching = [item for item in within if current - item[0] <= target]
            if target > 0 and reaching:
                return self._apply(state, index, min(reaching, key=_by_cut), "")
            if within:
                return self._apply(state, index, max(within, key=_by_cut), "")
            if valid:
                return self._apply(state, index, min(valid, key=_by_cut), "")
        cuts = self._cuts(doses, full, index, reduce_only=False)
        unit_weight = self.factors[index] * self.floors[index]
        total = sum((a for _, a in doses), Fraction(0))
        if self.regimen[index].is_patch and cuts:
            return self._apply(state, index, min(cuts, key=_by_cut), "patch")
        if total <= BOTTOM_UNITS * self.floors[index]:
            gentle = [item for item in cuts if item[0] <= unit_weight]
            if gentle:
                return self._apply(state, index, min(gentle, key=_by_cut), "bottom")
        raise TaperError(self._refusal(state, index, cuts, limit))

    def _cuts(
        self, doses: _Doses, menu: UnitMenu, index: int, *, reduce_only: bool
    ) -> list[tuple[Fraction, _Option, UnitMenu]]:
        unit_weight = self.factors[index] * menu.quantum
        amount = sum((a for _, a in doses), Fraction(0))
        current_total = amount / menu.quantum
        return [
            ((current_total - total) * unit_weight, option, menu)
            for total, option in _lower_totals(doses, menu)
            if (not reduce_only or option[0] == "reduce")
            # A stop only from at most one smallest unit of the drug a day.
            and (option[0] != "stop" or amount <= self.floors[index])
        ]

    def _fits(
        self,
        state: _State,
        index: int,
        item: tuple[Fraction, _Option, UnitMenu],
        limit: Fraction,
    ) -> bool:
        """Within the step limit, counted both ways where a box strength differs from what is
        counted (the 12 mcg/h patch): what the engine counts and what the patient's box says."""
        if item[0] > limit:
            return False
        if not any(m.labels for m in self.regimen):
            return True
        new = self._apply(state, index, item, "")[0]
        before, after = self.labelled_weight(state), self.labelled_weight(new)
        return (before - after) * self.weight(state) <= limit * before

    def labelled_weight(self, state: _State) -> Fraction:
        """Taper weight with the strengths written on the box (12 for the 12.5 patch)."""
        total = Fraction(0)
        for medication, menu, factor, doses in zip(
            self.regimen, self.menus, self.factors, state, strict=True
        ):
            for time, amount in doses:
                for unit in _as_written(medication, menu, time, amount):
                    total += factor * to_fraction(unit.strength) * to_fraction(unit.count)
        return total

    def _apply(
        self, state: _State, index: int, item: tuple[Fraction, _Option, UnitMenu], rule: str
    ) -> tuple[_State, StepKind, int, str]:
        _, option, menu = item
        new_doses, kind = _build(state[index], menu, option)
        return (*state[:index], new_doses, *state[index + 1 :]), kind, index, rule

    def _refusal(
        self,
        state: _State,
        index: int,
        cuts: Sequence[tuple[Fraction, _Option, UnitMenu]],
        limit: Fraction,
    ) -> str:
        medication = self.regimen[index]
        daily = to_decimal(sum((a for _, a in state[index]), Fraction(0)))
        current = self.weight(state)
        smallest = min((c for c, _, _ in cuts), default=current)
        percent = to_decimal(smallest / current * 100).quantize(Decimal("0.1"))
        allowed = to_decimal(limit / current * 100).quantize(Decimal("0.1"))
        ways = []
        if medication.added and not self.policy.allow_formulation_change:
            ways.append(
                "allow a formulation change (adding "
                + " or ".join(f"{medication.drug} {p.label}" for p in medication.added)
                + ", mg for mg)"
            )
        if not self.policy.allow_halves and medication.splittable:
            ways.append("allow halves of scored tablets")
        ways.append("set a target dose to stop at (the lowest comfortable dose)")
        return (
            f"{medication.drug} {daily} {medication.unit} a day: the smallest possible cut here "
            f"is {percent}% of the day's dose, more than the {allowed}% one step may take"
            + (" for methadone" if _is_methadone(medication) and not self.policy.rapid else "")
            + "; "
            + ", or ".join(ways)
            + ", or plan this part with the prescriber"
        )


def _ceiling(planner: _Planner) -> Decimal:
    return RAPID_MAX_PERCENT if planner.policy.rapid else ABRUPT_PERCENT


def _by_cut(item: tuple[Fraction, _Option, UnitMenu]) -> Fraction:
    return item[0]


def _is_methadone(medication: Medication) -> bool:
    return medication.drug.casefold() == "methadone"


# An option below the current doses: ("reduce", low level index, how many times get the next
# level up), or ("lengthen-interval" | "stop", 0, 0).
_Option = tuple[StepKind, int, int]


def _priority(doses: _Doses) -> list[int]:
    """Which administrations keep the larger amount: the larger ones now, then night, morning."""
    count = len(doses)
    return sorted(
        range(count),
        key=lambda i: (-doses[i][1], 0 if i == count - 1 else 1 if i == 0 else 2, i),
    )


def _lower_totals(doses: _Doses, menu: UnitMenu) -> list[tuple[int, _Option]]:
    """Every balanced dose pattern below `doses` at the same times, as (daily total in quanta,
    option); at the floor, one dosing time fewer, or stop.

    Balanced: each administration gets one of two neighbouring amounts the menu can make.
    """
    levels = menu.levels
    count = len(doses)
    total = sum((a for _, a in doses), Fraction(0)) / menu.quantum
    options: list[tuple[int, _Option]] = []
    for low_index, low in enumerate(levels):
        if count * low >= total:
            break
        high = levels[low_index + 1] if low_index + 1 < len(levels) else low
        for highs in range(count if high != low else 1):
            new_total = count * low + highs * (high - low)
            if new_total < total:
                options.append((new_total, ("reduce", low_index, highs)))
    if options:
        return options
    if count <= 1:
        return [(0, ("stop", 0, 0))]
    return [((count - 1) * levels[0], ("lengthen-interval", 0, 0))]


def _build(doses: _Doses, menu: UnitMenu, option: _Option) -> tuple[_Doses, StepKind]:
    kind, low_index, highs = option
    times = [t for t, _ in doses]
    if kind == "stop":
        return (), "stop"
    if kind == "lengthen-interval":
        return tuple((t, menu.smallest) for t in _fewer_times(times)), kind
    amounts = menu.amounts
    low = amounts[low_index]
    high = amounts[low_index + 1] if low_index + 1 < len(amounts) else low
    per_time = [low] * len(times)
    for rank in _priority(doses)[:highs]:
        per_time[rank] = high
    return tuple(zip(times, per_time, strict=True)), "reduce"


def _taper_order(
    regimen: Sequence[Medication], order: Sequence[str], as_needed_first: bool = True
) -> list[int]:
    """Indexes in the order medications are tapered: as named, then as-needed lines first (or
    last, as the policy says), then short-acting (IR) first."""
    names = [m.drug.casefold() for m in regimen]
    chosen: list[int] = []
    for name in order:
        matches = [i for i, n in enumerate(names) if n == name.casefold() and i not in chosen]
        matches += [
            i
            for i, m in enumerate(regimen)
            if m.key.casefold() == name.casefold() and i not in chosen
        ]
        if not matches:
            raise TaperError(f"the taper order names {name!r}, which is not in the regimen")
        chosen.extend(dict.fromkeys(matches))
    rest = [i for i in range(len(regimen)) if i not in chosen]
    rest.sort(
        key=lambda i: (
            regimen[i].as_needed != as_needed_first,
            regimen[i].release != "IR",
            regimen[i].is_patch,
            i,
        )
    )
    return chosen + rest


def _fewer_times(times: Sequence[str]) -> list[str]:
    """Drop one dosing time: keep the first and last (then the last, at night) so the gaps grow."""
    if len(times) == 2:
        return [times[-1]]
    if len(times) == 3:
        return [times[0], times[-1]]
    middle = len(times) // 2
    return [t for i, t in enumerate(times) if i != middle]


def _initial_state(regimen: Sequence[Medication]) -> _State:
    state: list[_Doses] = []
    for medication in regimen:
        if not medication.doses:
            raise TaperError(f"{medication.drug}: no dosing times given")
        seen: set[str] = set()
        if medication.as_needed and [t for t, _ in medication.doses] != [AS_NEEDED]:
            raise TaperError(f"{medication.drug}: an as-needed line gives only its daily maximum")
        for time, amount in medication.doses:
            if not medication.as_needed and not _TIME.fullmatch(time):
                raise TaperError(f"{medication.drug}: {time!r} is not a time like 08:00")
            if time in seen:
                raise TaperError(f"{medication.drug}: the time {time} is listed twice")
            seen.add(time)
            if amount <= 0:
                raise TaperError(f"{medication.drug}: a dose must be above 0")
        ordered = sorted(medication.doses, key=lambda item: item[0])
        state.append(tuple((t, to_fraction(a)) for t, a in ordered))
    return tuple(state)


def _check_regimen(regimen: Sequence[Medication]) -> None:
    if not regimen:
        raise TaperError("the regimen lists no medications")
    keys = [m.key for m in regimen]
    if len(set(keys)) != len(keys):
        raise TaperError("the regimen lists the same product twice; give one entry per product")
    for medication in regimen:
        if medication.factor <= 0:
            raise TaperError(
                f"{medication.drug} has no MME factor, so the engine cannot measure its taper"
            )


def plan_taper(
    regimen: Sequence[Medication],
    start: date,
    policy: TaperPolicy,
    *,
    pauses: Sequence[Pause] = (),
    mme: MmeFunction = factor_mme,
) -> Schedule:
    """Plan a taper starting on `start`. Raises AbruptTaperError / TaperError."""
    check_policy(policy)
    _check_regimen(regimen)
    regimen = tuple(regimen)
    state = _initial_state(regimen)
    planner = _Planner(regimen, policy, original_weight=Fraction(0))
    original = planner.weight(state)
    planner.original_weight = original
    for medication, menu, doses in zip(regimen, planner.base_menus, state, strict=True):
        for time, amount in doses:
            if not menu.can_make(amount):
                raise TaperError(
                    f"{medication.drug} {to_decimal(amount)} {medication.unit} at {time} cannot be "
                    "made from the available strengths "
                    f"({', '.join(str(s) for s in medication.strengths)} {medication.unit})"
                )
    baseline_mme = _state_mme(planner, state, mme)
    if original <= planner.target_weight():
        raise TaperError(
            f"the regimen is already at or below the target of {policy.target_mme_per_day} MME/day"
        )
    phase_steps = policy.first_phase.steps if policy.first_phase else 0
    moves = planner.plan_moves(state, first_phase_steps=phase_steps, first_day=True)
    steps = _lay_out(
        planner,
        moves,
        start=start,
        first_index=1,
        previous_mme=baseline_mme,
        pauses=pauses,
        mme=mme,
    )
    check_steps(planner, steps, before=state, first_day=True)
    warnings = _warnings(regimen, policy, pauses, start)
    return Schedule(
        start=start,
        regimen=regimen,
        policy=policy,
        baseline_mme_per_day=baseline_mme,
        original_weight=to_decimal(original),
        steps=tuple(steps),
        warnings=tuple(warnings),
    )


# ---------------------------------------------------------------------------------------------
# The engine's own check of what it writes: every schedule it returns passes this, or it raises.


def validate_schedule(schedule: Schedule) -> None:
    """Check a whole schedule (as planned, before any revision) against the safety rules;
    raise UnsafeScheduleError on the first step that breaks one."""
    planner = _planner_for(schedule, schedule.policy)
    check_steps(planner, schedule.steps, before=_initial_state(schedule.regimen), first_day=True)


class UnsafeScheduleError(TaperError):
    """A schedule the engine made breaks a safety rule: never returned, always a bug to fix."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the plan was not made because it would break a safety rule: {reason}")


def check_steps(  # noqa: C901, PLR0915 - every safety invariant, checked in one place
    planner: _Planner,
    steps: Sequence[Step],
    *,
    before: _State,
    first_day: bool,
    previous: Step | None = None,
) -> None:
    """Raise TaperError if any step breaks the taper's safety rules (taper_rules.toml).

    Measured in taper weight (each drug's factor fixed at the start) so a cut means the same at
    every dose. Rules: no dose rises except an approved step back; no cut above the step limit
    (25%, or the rapid ceiling) except one smallest unit at a time at the smallest strength, or
    one patch strength at a time; never a stop or such a cut on the plan's first day; a stop only
    from at most one smallest unit a day, after a full interval; methadone at most 10% of its
    dose (or one smallest unit) per step and 14 days apart, unless rapid.
    """
    policy = planner.policy
    percent = RAPID_MAX_PERCENT if policy.rapid else ABRUPT_PERCENT
    interval = policy.interval_days
    if policy.first_phase is not None:
        interval = min(interval, policy.first_phase.interval_days)
    wear = _wear_days(planner.regimen)
    state = before
    for position, step in enumerate(steps):
        where = f"step {step.index} ({step.start.isoformat()})"
        new_doses: list[_Doses] = []
        for medication, dose in zip(planner.regimen, step.doses, strict=True):
            added = [u for a in dose.administrations for u in a.units if u.release is not None]
            if added and (not policy.allow_formulation_change or medication.is_patch):
                raise UnsafeScheduleError(
                    f"{where}: {medication.drug} changes product without a formulation change "
                    "being allowed"
                )
            new_doses.append(tuple((a.time, _counted(medication, a)) for a in dose.administrations))
        new = tuple(new_doses)
        if step.kind == "step-back":
            state, previous = new, step
            continue
        old_w, new_w = planner.weight(state), planner.weight(new)
        if new_w > old_w:
            raise UnsafeScheduleError(f"{where}: the dose goes up without an approved step back")
        cut = (old_w - new_w) / old_w * 100 if old_w else Fraction(0)
        old_l, new_l = planner.labelled_weight(state), planner.labelled_weight(new)
        if old_l:
            cut = max(cut, (old_l - new_l) / old_l * 100)
        exempt = False
        for i, medication in enumerate(planner.regimen):
            was = sum((a for _, a in state[i]), Fraction(0))
            now = sum((a for _, a in new[i]), Fraction(0))
            if was == now:
                continue
            unit = planner.floors[i]
            below = [a for a in planner.menus[i].amounts if a < was]
            # Exempt from the step limit: one smallest unit off at the bottom, or one patch
            # strength down.
            if (0 < was - now <= unit and was <= BOTTOM_UNITS * unit) or (
                medication.is_patch and now == max(below, default=Fraction(0))
            ):
                exempt = True
            if now == 0 and was > unit:
                raise UnsafeScheduleError(
                    f"{where}: {medication.drug} stops from more than one smallest unit a day"
                )
            if _is_methadone(medication) and not policy.rapid and not exempt:
                most = max(was * to_fraction(METHADONE_MAX_PERCENT) / 100, unit)
                if was - now > most:
                    raise UnsafeScheduleError(
                        f"{where}: a methadone step above {METHADONE_MAX_PERCENT}% of its dose"
                    )
            if _is_methadone(medication) and not policy.rapid:
                for held in (previous, step):
                    if (
                        held is not None
                        and held.days is not None
                        and held.kind != "step-back"
                        and held.days < METHADONE_MIN_INTERVAL_DAYS
                    ):
                        raise UnsafeScheduleError(
                            f"{where}: methadone steps must be at least "
                            f"{METHADONE_MIN_INTERVAL_DAYS} days apart"
                        )
        stops = any(
            sum((a for _, a in state[i]), Fraction(0)) > 0 and not new[i]
            for i in range(len(planner.regimen))
        )
        if first_day and position == 0 and (stops or cut > to_fraction(percent)):
            raise UnsafeScheduleError(f"{where}: a stop or a cut above {percent}% on the first day")
        over = cut > to_fraction(percent)
        if (
            over
            and exempt
            and any(m.is_patch and state[i] != new[i] for i, m in enumerate(planner.regimen))
        ):
            settle = PATCH_HOLD_WEAR_INTERVALS * wear
            for held in (previous, step):
                if held is not None and held.days is not None and held.days < settle:
                    raise UnsafeScheduleError(
                        f"{where}: a patch step down must be worn at least {settle} days"
                    )
        if over and not exempt:
            raise UnsafeScheduleError(
                f"{where}: a cut of {to_decimal(cut).quantize(Decimal('0.1'))}% is above "
                f"the {percent}% one step may take"
            )
        if (
            (over or stops)
            and previous is not None
            and previous.days is not None
            and previous.days < interval
        ):
            raise UnsafeScheduleError(f"{where}: comes before a full interval at the dose before")
        state, previous = new, step


def _warnings(
    regimen: Sequence[Medication], policy: TaperPolicy, pauses: Sequence[Pause], start: date
) -> list[str]:
    warnings = [
        "Offer naloxone during and after a taper: tolerance is lost within about a week "
        "(CDC-2022 Rec 8; VA-OTDT).",
    ]
    if policy.rapid:
        warnings.insert(
            0,
            f"RAPID TAPER for a documented safety reason ({policy.rapid_reason}): "
            "monitor closely, at least weekly (VA-OTDT).",
        )
    if policy.of == "current":
        warnings.append(
            "Cuts are a percentage of the current dose, so they shrink; the last steps are "
            "held longer so that no cut exceeds the policy's rate."
        )
    if policy.interval_days <= ABRUPT_INTERVAL_DAYS:
        warnings.append("A faster taper: contact the patient weekly (VA-OTDT).")
    else:
        warnings.append(
            "Contact the patient 1-4 weeks after starting and before each reduction (VA-OTDT)."
        )
    for pause_ in pauses:
        if pause_.start < start:
            warnings.append(f"The pause from {pause_.start.isoformat()} is before the plan starts.")
    if any(m.is_patch for m in regimen):
        warnings.append(
            "Patches are never cut; step dates fall on patch-change days, so some steps last a "
            "little longer than the policy's interval."
        )
    return warnings


def _wear_days(regimen: Sequence[Medication]) -> int:
    days = 1
    for medication in regimen:
        if medication.is_patch and medication.wear_hours and medication.wear_hours % 24 == 0:
            days = math.lcm(days, medication.wear_hours // 24)
    return days


def _round_up(days: int, multiple: int) -> int:
    return -(-days // multiple) * multiple


def _hold_days(cut: Fraction, allowance: Fraction, interval: int) -> int:
    """Days a cut must be held so that the cut, averaged over that time, stays within the rate."""
    if cut <= 0:
        return interval
    if allowance <= 0:
        raise TaperError("the policy allows no reduction")  # pragma: no cover
    return max(interval, math.ceil(interval * cut / allowance))


def _lay_out(
    planner: _Planner,
    moves: Sequence[_Move],
    *,
    start: date,
    first_index: int,
    previous_mme: Decimal,
    pauses: Sequence[Pause],
    mme: MmeFunction,
) -> list[Step]:
    wear = _wear_days(planner.regimen)
    holds = [_hold_days(m.cut, m.allowance, m.interval) for m in moves]
    # Before stopping a drug, its smallest dose must be held long enough too.
    for i in range(1, len(moves)):
        if moves[i].kind == "stop":
            holds[i - 1] = max(holds[i - 1], holds[i])
    for i, move in enumerate(moves):
        medication = planner.regimen[move.index]
        if move.rule and medication.is_patch:
            # One patch strength at a time: each level (and the one before it) is worn for at
            # least twice the wear interval.
            settle = PATCH_HOLD_WEAR_INTERVALS * wear
            holds[i] = max(holds[i], settle)
            if i:
                holds[i - 1] = max(holds[i - 1], settle)
        if _is_methadone(medication) and not planner.policy.rapid and move.kind != "hold":
            holds[i] = max(holds[i], METHADONE_MIN_INTERVAL_DAYS)
            if i:
                holds[i - 1] = max(holds[i - 1], METHADONE_MIN_INTERVAL_DAYS)
    pending = sorted((p for p in pauses if p.start >= start), key=lambda p: p.start)
    steps: list[Step] = []
    cursor = start
    for i, move in enumerate(moves):
        last = i == len(moves) - 1
        days = _round_up(holds[i], wear)
        notes = _notes(planner, move, days, last, previous=moves[i - 1] if i else None)
        following = moves[i + 1] if not last else None
        if (
            following is not None
            and following.kind == "stop"
            and following.cut > following.allowance
            and not following.rule
        ):
            notes.append(
                f"Held {days} days before stopping {following.drug}: stopping from the "
                f"smallest dose is {_percent_of(following, planner)}% of the "
                f"{planner.policy.of} dose, more than the policy's "
                f"{_policy_percent(planner, following)}% per {following.interval} days."
            )
        end: date | None = None
        if not last:
            end = cursor + timedelta(days=days - 1)
            while pending and pending[0].start <= end:
                p = pending.pop(0)
                extra = _round_up(p.days, wear)
                end += timedelta(days=extra)
                notes.append(
                    f"Paused from {p.start.isoformat()} for {extra} days"
                    + (f": {p.reason}" if p.reason else "")
                    + "; this dose continues."
                )
        doses = _doses_of(planner, move.state)
        mme_value = _state_mme(planner, move.state, mme)
        earlier = moves[i - 1].state if i else None
        notes.extend(_formulation_notes(planner, move, earlier))
        steps.append(
            Step(
                index=first_index + i,
                kind=move.kind,
                start=cursor,
                end=end,
                doses=doses,
                mme_per_day=mme_value,
                change_percent=_change(previous_mme, mme_value),
                notes=tuple(notes),
            )
        )
        previous_mme = mme_value
        if end is not None:
            cursor = end + timedelta(days=1)
    return steps


def _notes(
    planner: _Planner, move: _Move, hold: int, last: bool, previous: _Move | None
) -> list[str]:
    notes: list[str] = []
    basis = "original" if planner.policy.of == "original" else "current"
    if move.phase == "first" and (previous is None or previous.phase != "first"):
        notes.append("A gentle start: small first steps, paced by the patient (DARNALL-2018).")
    if move.rule == "first-day":
        notes.append(
            f"Kept for {hold} days first: the next change is more than "
            f"{ABRUPT_PERCENT}% of the dose or a stop, and the plan never does that on its "
            "first day (CDC-2022; HHS-2019; FDA-2019-TAPER)."
        )
    if move.rule == "bottom":
        notes.append(
            f"At the smallest strength one smallest unit of {move.drug} comes off at a time "
            "(VA-OTDT). The lowest doses go slower: this step is held "
            f"{hold} days, as long as steps of at most {_ceiling(planner)}% of the dose at "
            "this point would take."
        )
    if move.rule == "patch":
        notes.append(
            f"Patches cannot be cut and {move.drug} has no oral form for chronic pain, so the "
            "patch steps down one strength at a time. This cut is more than "
            f"{ABRUPT_PERCENT}% of the dose, so it is held {hold} days, at least "
            f"{PATCH_HOLD_WEAR_INTERVALS} patch changes, for the body to settle. It is never "
            "switched to another opioid."
        )
    if move.cut > move.allowance and move.kind != "stop" and not move.rule:
        percent = _percent_of(move, planner)
        notes.append(
            f"The smallest possible cut here is {percent}% of the {basis} dose, more than the "
            f"policy's {_policy_percent(planner, move)}% per {move.interval} days, so this step "
            f"is held {hold} days to keep the average within the policy."
        )
    if move.kind == "lengthen-interval":
        notes.append(
            f"Same {move.drug} dose, taken less often: at the smallest available dose the time "
            "between doses is lengthened before stopping (VA-OTDT)."
        )
    if move.kind == "stop":
        notes.append(
            f"Stop {move.drug}. Tolerance is lost within about a week: never go back to an "
            "earlier dose without talking to the care team, and keep naloxone at home."
        )
    if last and move.kind != "stop" and planner.policy.target_mme_per_day > 0:
        notes.append(
            f"Target reached (at or below {planner.policy.target_mme_per_day} MME/day); "
            "this dose continues until the care team reviews it."
        )
    return notes


def _formulation_notes(planner: _Planner, move: _Move, earlier: _State | None) -> list[str]:
    """Name each same-drug formulation change a step makes (or keeps)."""
    notes = []
    for i, (medication, menu) in enumerate(zip(planner.regimen, planner.menus, strict=True)):
        if not any(menu.uses_added(a) for _, a in move.state[i]):
            continue
        used = {
            (u.release, u.form)
            for _, a in move.state[i]
            for u in menu.compose(a)
            if u.release is not None
        }
        names = " and ".join(p.label for p in medication.added if (p.release, p.form) in used)
        started = earlier is None or not any(menu.uses_added(a) for _, a in earlier[i])
        if started:
            notes.append(
                f"A formulation change: {medication.drug} {names} are added, mg for mg, because "
                f"the {medication.release} {medication.form}s alone cannot make a step of "
                f"{ABRUPT_PERCENT}% or less here. Same medicine, not a switch to another opioid."
            )
        else:
            notes.append(
                f"Still with the formulation change: {medication.drug} {names}, mg for mg."
            )
    return notes


def _policy_percent(planner: _Planner, move: _Move) -> Decimal:
    phase = planner.policy.first_phase
    if move.phase == "first" and phase is not None:
        return phase.percent
    return planner.policy.percent


def _percent_of(move: _Move, planner: _Planner) -> Decimal:
    percent = move.cut / move.allowance * to_fraction(_policy_percent(planner, move))
    return to_decimal(percent).quantize(Decimal("0.1"))


def _doses_of(planner: _Planner, state: _State) -> tuple[DrugDose, ...]:
    doses = []
    for medication, menu, per_time in zip(planner.regimen, planner.menus, state, strict=True):
        administrations = tuple(
            Administration(time=t, units=_as_written(medication, menu, t, a)) for t, a in per_time
        )
        doses.append(
            DrugDose(
                drug=medication.drug,
                release=medication.release,
                form=medication.form,
                unit=medication.unit,
                daily_dose=plain(sum((a.amount for a in administrations), Decimal(0)).normalize()),
                administrations=administrations,
                wear_hours=medication.wear_hours if medication.is_patch else None,
                combination=medication.combination,
                as_needed=medication.as_needed,
            )
        )
    return tuple(doses)


def _as_written(
    medication: Medication, menu: UnitMenu, time: str, amount: Fraction
) -> tuple[UnitDose, ...]:
    """The units for `amount`, with box strengths; the starting dose as the patient wrote it
    (25 + 12 mcg/h stays two patches, not one 37.5)."""
    written = medication.written_at(time)
    counted = dict(medication.doses).get(time)
    if written is not None and counted is not None and to_fraction(counted) == amount:
        for real, label in medication.labels:
            n = (counted - written) / (real - label)
            rest = to_fraction(counted - n * real)
            if n == n.to_integral_value() and n > 0 and rest >= 0 and menu.can_make(rest):
                units = [*_labelled(medication, menu.compose(rest))]
                units.append(UnitDose(strength=label, count=plain(n)))
                return tuple(units)
    return _labelled(medication, menu.compose(amount))


def _labelled(medication: Medication, units: tuple[UnitDose, ...]) -> tuple[UnitDose, ...]:
    """Units as written on the box (the 12 mcg/h patch, counted as 12.5, reads 12)."""
    return tuple(
        u if u.release is not None else replace(u, strength=medication.label_of(u.strength))
        for u in units
    )


def _counted(medication: Medication, administration: Administration) -> Fraction:
    """The amount the engine counts for an administration written with box strengths."""
    return sum(
        (
            to_fraction(u.strength if u.release is not None else medication.counted_of(u.strength))
            * to_fraction(u.count)
            for u in administration.units
        ),
        Fraction(0),
    )


def _state_mme(planner: _Planner, state: _State, mme: MmeFunction) -> Decimal:
    """Real MME per day of a state, from the doses as written (box strengths)."""
    doses = _doses_of(planner, state)
    return _round_mme(
        sum(
            (mme(m, d.daily_dose) for m, d in zip(planner.regimen, doses, strict=True)),
            Decimal(0),
        )
    )


def _round_mme(value: Decimal) -> Decimal:
    return plain(value.quantize(Decimal("0.01")))


def _change(previous: Decimal, current: Decimal) -> Decimal:
    if previous == 0:
        return Decimal(0)
    change = ((current - previous) / previous * 100).quantize(Decimal("0.1"))
    return change if change else Decimal("0.0")


# ---------------------------------------------------------------------------------------------
# Revisions: each returns a new schedule and keeps the one it replaces in `history`.


def _state_of(schedule: Schedule, step: Step | None) -> _State:
    """The dose state of a step (None: the starting regimen)."""
    if step is None:
        return _initial_state(schedule.regimen)
    state: list[_Doses] = []
    for medication, dose in zip(schedule.regimen, step.doses, strict=True):
        if dose.drug != medication.drug:  # pragma: no cover - steps always follow the regimen
            raise TaperError("the schedule's steps do not match its regimen")
        state.append(tuple((a.time, _counted(medication, a)) for a in dose.administrations))
    return tuple(state)


def _planner_for(schedule: Schedule, policy: TaperPolicy) -> _Planner:
    ceilings = [max(to_fraction(a) for _, a in m.doses) for m in schedule.regimen]
    return _Planner(
        schedule.regimen,
        policy,
        original_weight=to_fraction(schedule.original_weight),
        ceilings=ceilings,
    )


def _previous_step(schedule: Schedule, step: Step) -> Step | None:
    position = schedule.steps.index(step)
    return schedule.steps[position - 1] if position else None


def _replan_after(
    schedule: Schedule,
    current: Step,
    *,
    policy: TaperPolicy,
    on: date,
    kind: RevisionKind,
    reason: str,
    note: str,
    mme: MmeFunction,
) -> Schedule:
    """Keep `current`'s dose until the next cut is due, then plan on with `policy`."""
    planner = _planner_for(schedule, policy)
    state = _state_of(schedule, current)
    previous = _previous_step(schedule, current)
    earlier = _state_of(schedule, previous)
    cut = planner.weight(earlier) - planner.weight(state)
    hold = _hold_days(cut, planner.allowance(earlier, policy.percent), policy.interval_days)
    if any(_is_methadone(m) for m in schedule.regimen) and not policy.rapid:
        hold = max(hold, METHADONE_MIN_INTERVAL_DAYS)
    if any(m.is_patch for m in schedule.regimen):
        hold = max(hold, PATCH_HOLD_WEAR_INTERVALS * _wear_days(schedule.regimen))
    hold = _round_up(hold, _wear_days(schedule.regimen))
    next_cut = max(on, current.start + timedelta(days=hold))
    if current.end is not None and not current.paused:
        next_cut = max(next_cut, current.end + timedelta(days=1))
    kept = list(schedule.steps[: schedule.steps.index(current)])
    if not any(state) or (
        policy.target_mme_per_day > 0 and planner.weight(state) <= planner.target_weight()
    ):
        finished = replace(current, end=None, paused=False, notes=(*current.notes, note))
        new_steps = [*kept, finished]
    else:
        held = replace(
            current, end=next_cut - timedelta(days=1), paused=False, notes=(*current.notes, note)
        )
        moves = planner.plan_moves(state, first_phase_steps=0)
        following = _lay_out(
            planner,
            moves,
            start=next_cut,
            first_index=current.index + 1,
            previous_mme=current.mme_per_day,
            pauses=(),
            mme=mme,
        )
        check_steps(planner, following, before=state, first_day=False, previous=held)
        new_steps = [*kept, held, *following]
    return replace(
        schedule,
        policy=policy,
        steps=tuple(new_steps),
        history=(*schedule.history, _revision(schedule, kind, on, reason)),
    )


def _revision(schedule: Schedule, kind: RevisionKind, on: date, reason: str) -> Revision:
    return Revision(
        kind=kind,
        on=on,
        reason=reason,
        steps=schedule.steps,
        policy=schedule.policy,
    )


def _step_on(schedule: Schedule, on: date) -> Step:
    step = schedule.step_on(on)
    if step is None:
        raise TaperError(f"the plan has no step on {on.isoformat()}")
    return step


def pause(schedule: Schedule, *, on: date, reason: str = "") -> Schedule:
    """Keep the dose current on `on` until the plan is resumed; later steps are set aside."""
    if schedule.paused:
        raise TaperError("the plan is already paused")
    current = _step_on(schedule, on)
    if not any(d.daily_dose for d in current.doses):
        raise TaperError("the taper is complete; there is nothing to pause")
    note = (
        f"Paused on {on.isoformat()}"
        + (f": {reason}" if reason else "")
        + (". This dose continues until the care team resumes the plan.")
    )
    position = schedule.steps.index(current)
    held = replace(current, end=None, paused=True, notes=(*current.notes, note))
    return replace(
        schedule,
        steps=(*schedule.steps[:position], held),
        history=(*schedule.history, _revision(schedule, "pause", on, reason)),
    )


def resume(
    schedule: Schedule,
    *,
    on: date,
    reason: str = "",
    policy: TaperPolicy | None = None,
    mme: MmeFunction = factor_mme,
) -> Schedule:
    """Plan on from the paused dose. The next cut comes no sooner than the rate allows."""
    if not schedule.paused:
        raise TaperError("the plan is not paused")
    new_policy = schedule.policy if policy is None else policy
    check_policy(new_policy)
    current = schedule.steps[-1]
    if on < current.start:
        raise TaperError("a plan cannot resume before its paused step began")
    note = f"Resumed on {on.isoformat()}" + (f": {reason}" if reason else "") + "."
    return _replan_after(
        schedule,
        current,
        policy=new_policy,
        on=on,
        kind="resume",
        reason=reason,
        note=note,
        mme=mme,
    )


def slow_down(
    schedule: Schedule,
    *,
    on: date,
    policy: TaperPolicy,
    reason: str = "",
    mme: MmeFunction = factor_mme,
) -> Schedule:
    """Replan from the dose current on `on` with a slower policy; no step comes sooner."""
    check_policy(policy)
    old = schedule.policy
    if policy.percent_per_day() > old.percent_per_day() or policy.percent > old.percent:
        raise TaperError(
            f"{policy.percent}% every {policy.interval_days} days is not slower than "
            f"{old.percent}% every {old.interval_days} days"
        )
    if schedule.paused:
        raise TaperError("the plan is paused; resume it with the slower policy instead")
    current = _step_on(schedule, on)
    note = (
        f"Slowed on {on.isoformat()} to {policy.percent}% every {policy.interval_days} days"
        + (f": {reason}" if reason else "")
        + "."
    )
    return _replan_after(
        schedule,
        current,
        policy=policy,
        on=on,
        kind="slow-down",
        reason=reason,
        note=note,
        mme=mme,
    )


def step_back(
    schedule: Schedule,
    *,
    on: date,
    reason: str,
    to_index: int | None = None,
    mme: MmeFunction = factor_mme,
) -> Schedule:
    """Return to an earlier step's dose (0: the starting regimen) from `on`, then hold there.

    Only an earlier dose of this plan can be chosen, never more than the patient took at the
    start. The schedule is left paused on the higher dose with a lost-tolerance warning; resume
    it when the care team is ready.
    """
    if not reason.strip():
        raise TaperError("a step back needs a reason")
    current = _step_on(schedule, on)
    target_index = current.index - 1 if to_index is None else to_index
    if target_index < 0 or target_index >= current.index:
        raise TaperError("a step back must go to an earlier step of this plan")
    if target_index == 0 or target_index < schedule.steps[0].index:
        if target_index != 0:
            raise TaperError(f"step {target_index} is not part of this plan")
        target_doses = _doses_of(
            _planner_for(schedule, schedule.policy), _initial_state(schedule.regimen)
        )
        target_mme = schedule.baseline_mme_per_day
    else:
        target = next(s for s in schedule.steps if s.index == target_index)
        target_doses, target_mme = target.doses, target.mme_per_day
    if target_mme <= current.mme_per_day:
        raise TaperError("that step is not a higher dose; use pause instead")
    position = schedule.steps.index(current)
    kept = list(schedule.steps[:position])
    if on > current.start:
        kept.append(replace(current, end=on - timedelta(days=1), paused=False))
    back = Step(
        index=current.index + 1,
        kind="step-back",
        start=on,
        end=None,
        doses=target_doses,
        mme_per_day=target_mme,
        change_percent=_change(current.mme_per_day, target_mme),
        notes=(
            f"Stepped back on {on.isoformat()} to the dose of "
            + ("the start of the plan" if target_index == 0 else f"step {target_index}")
            + f": {reason}.",
            LOST_TOLERANCE_WARNING,
            "Held at this dose until the care team resumes the plan.",
        ),
        paused=True,
    )
    warnings = schedule.warnings
    if LOST_TOLERANCE_WARNING not in warnings:
        warnings = (*warnings, LOST_TOLERANCE_WARNING)
    return replace(
        schedule,
        steps=(*kept, back),
        warnings=warnings,
        history=(*schedule.history, _revision(schedule, "step-back", on, reason)),
    )
