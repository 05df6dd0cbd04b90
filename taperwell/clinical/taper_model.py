"""The taper engine's data: a regimen, a policy, and the schedule of steps it produces.

Everything here is immutable. Amounts are `Decimal` in the product's unit: mg for tablets and
capsules, mcg/h for patches (where the "daily dose" is the patch rate, as in the MME tables).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

Basis = Literal["original", "current"]
StepKind = Literal["reduce", "lengthen-interval", "stop", "step-back", "hold"]
RevisionKind = Literal["plan", "pause", "resume", "slow-down", "step-back"]

RULES_PATH = Path(__file__).resolve().parent / "data" / "taper_rules.toml"


@dataclass(frozen=True)
class Bound:
    """One number the engine keeps, with its source (or "none" and a note saying why)."""

    name: str
    value: Decimal
    source: str
    note: str


@functools.cache
def load_bounds(path: Path = RULES_PATH) -> dict[str, Bound]:
    """The engine's bounds from `data/taper_rules.toml`, each checked for a known source."""
    from taperwell.clinical.formulary import DataError, load_sources

    with path.open("rb") as handle:
        document = tomllib.load(handle, parse_float=Decimal)
    sources = load_sources()
    bounds: dict[str, Bound] = {}
    for name, raw in document.items():
        if not isinstance(raw, dict) or "value" not in raw:
            raise DataError(f"{path.name}: [{name}] needs a value")
        source = str(raw.get("source", ""))
        note = str(raw.get("note", "")).strip()
        if source == "none":
            if not note:
                raise DataError(f"{path.name}: [{name}] has no source, so it needs a note why")
        else:
            for part in source.split("; "):
                if part not in sources:
                    raise DataError(f"{path.name}: [{name}] cites unknown source {part!r}")
        bounds[name] = Bound(name=name, value=Decimal(raw["value"]), source=source, note=note)
    return bounds


def bound(name: str) -> Decimal:
    return load_bounds()[name].value


# A policy faster than this per step, or with steps closer together, is abrupt (CDC-2022 Rec 5;
# HHS-2019; VA-OTDT): refused unless marked rapid with a documented reason. The engine also
# checks every step it writes against it.
ABRUPT_PERCENT = bound("max_step_percent")
ABRUPT_INTERVAL_DAYS = int(bound("min_interval_days"))
# Even a rapid taper (VA-OTDT: first step 20-50%, then 10-20% per day) never cuts more than this.
RAPID_MAX_PERCENT = bound("rapid_max_percent")
# At the smallest strength: this many smallest units a day or fewer, one unit comes off at a time.
BOTTOM_UNITS = int(bound("bottom_units"))
METHADONE_MAX_PERCENT = bound("methadone_max_percent_of_current")
METHADONE_MIN_INTERVAL_DAYS = int(bound("methadone_min_interval_days"))
PATCH_HOLD_WEAR_INTERVALS = int(bound("patch_hold_wear_intervals"))
SOLUTION_MEASURE_ML = bound("solution_measure_ml")


# The "time" an as-needed line's daily maximum is filed under (it has no set times).
AS_NEEDED = "as needed"


class TaperError(ValueError):
    """A regimen or policy the engine cannot plan; the message says why in plain words."""


class AbruptTaperError(TaperError):
    """The policy would reduce too fast and is not marked rapid with a reason."""


@dataclass(frozen=True)
class AddedProduct:
    """A product of the same drug the engine may add, mg for mg, to make smaller steps.

    `strengths` are amounts per unit: mg per tablet, or for an oral solution the mg in one
    measure (`measure_ml` of the lowest concentration, `concentration` mg/mL).
    """

    release: Literal["IR", "ER"]
    form: str
    unit: str
    strengths: tuple[Decimal, ...]
    scored: tuple[Decimal, ...] = ()
    concentration: Decimal | None = None
    measure_ml: Decimal | None = None

    @property
    def label(self) -> str:
        if self.form == "solution":
            return "oral solution"
        return f"{self.release} {self.form}s"


@dataclass(frozen=True)
class Medication:
    """One scheduled opioid as the patient takes it now, with what the pharmacy can supply.

    `doses` maps each time of day ("08:00") to the amount taken then (for a patch: the total
    rate worn, applied at that time). `factor` is the MME conversion factor at the current dose;
    the engine measures every cut with it so that percentages stay linear in dose.
    """

    drug: str
    release: Literal["IR", "ER"]
    form: str
    unit: str
    doses: tuple[tuple[str, Decimal], ...]
    strengths: tuple[Decimal, ...]
    factor: Decimal
    scored: tuple[Decimal, ...] = ()
    splittable: bool = False
    wear_hours: int | None = None
    factor_source: str = ""
    # Same-drug products the engine may add when the listed product cannot make a small step.
    added: tuple[AddedProduct, ...] = ()
    # The combination partner of the product (e.g. "acetaminophen 325 mg"), if any.
    combination: str | None = None
    # (amount the engine counts, strength on the box): the 12 mcg/h patch delivers 12.5.
    labels: tuple[tuple[Decimal, Decimal], ...] = ()
    # An as-needed line: `doses` holds one entry, (AS_NEEDED, the most it allows a day).
    as_needed: bool = False
    # The doses as written with box strengths, where they differ from `doses` (25 + 12 = 37
    # mcg/h, counted 37.5), so the starting dose is shown and counted as the patient wears it.
    written: tuple[tuple[str, Decimal], ...] = ()

    def written_at(self, time: str) -> Decimal | None:
        for at, amount in self.written:
            if at == time:
                return amount
        return None

    def label_of(self, strength: Decimal) -> Decimal:
        for counted, label in self.labels:
            if counted == strength:
                return label
        return strength

    def counted_of(self, label: Decimal) -> Decimal:
        for counted, shown in self.labels:
            if shown == label:
                return counted
        return label

    @property
    def is_patch(self) -> bool:
        return self.form == "patch" or self.wear_hours is not None

    @property
    def daily_dose(self) -> Decimal:
        return sum((amount for _, amount in self.doses), Decimal(0))

    @property
    def key(self) -> str:
        return f"{self.drug} {self.release} {self.form}" + (" as needed" if self.as_needed else "")

    def halves(self, allow_halves: bool) -> tuple[Decimal, ...]:
        """Strengths that may be taken as half a tablet: scored IR tablets, if the policy allows."""
        if not allow_halves or self.is_patch or self.release != "IR" or not self.splittable:
            return ()
        return tuple(s for s in self.scored if s in self.strengths)


@dataclass(frozen=True)
class FirstPhase:
    """A slower start (DARNALL-2018: at most 5% per step, at most two steps in the first month)."""

    percent: Decimal = Decimal(5)
    interval_days: int = 14
    steps: int = 2


@dataclass(frozen=True)
class TaperPolicy:
    """How fast to go. `percent` per `interval_days` is a ceiling, never a quota."""

    percent: Decimal
    interval_days: int = 28
    of: Basis = "original"
    target_mme_per_day: Decimal = Decimal(0)
    first_phase: FirstPhase | None = None
    allow_halves: bool = False
    order: tuple[str, ...] = ()
    # Add IR tablets or oral solution of the same drug, mg for mg, when the listed product cannot
    # make a step of 25% or less (named in the step's notes). Off: the engine refuses instead.
    allow_formulation_change: bool = True
    # Which go first when the clinician names no order: as-needed lines (True, the default:
    # short-acting doses first, VA-OTDT) or scheduled doses.
    as_needed_first: bool = True
    rapid: bool = False
    rapid_reason: str | None = None

    def percent_per_day(self) -> Decimal:
        return self.percent / self.interval_days


@dataclass(frozen=True)
class Pause:
    """A planned pause: the dose current on `start` is kept `days` longer."""

    start: date
    days: int
    reason: str = ""


@dataclass(frozen=True)
class UnitDose:
    """`count` units of one strength; `count` is a whole number, or 0.5 for half a scored tablet.

    `release`, `form` and `unit` are set only for a unit of an added product (a formulation
    change); for an oral solution `strength` is mg per mL and `count` the mL.
    """

    strength: Decimal
    count: Decimal
    release: str | None = None
    form: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Administration:
    time: str
    units: tuple[UnitDose, ...]

    @property
    def amount(self) -> Decimal:
        return sum((u.strength * u.count for u in self.units), Decimal(0))


@dataclass(frozen=True)
class DrugDose:
    """What to take of one medication during one step."""

    drug: str
    release: Literal["IR", "ER"]
    form: str
    unit: str
    daily_dose: Decimal
    administrations: tuple[Administration, ...]
    wear_hours: int | None = None
    combination: str | None = None
    as_needed: bool = False


@dataclass(frozen=True)
class Step:
    """One period of a constant dose. `end` is None for the last step (kept until reviewed).

    `change_percent` is relative to the previous step's MME (negative for a reduction). `rate`
    is the cut measured as the policy measures it (percent of the original or current dose) and
    `hold_days` how long that cut must be kept to stay within the policy's rate.
    """

    index: int
    kind: StepKind
    start: date
    end: date | None
    doses: tuple[DrugDose, ...]
    mme_per_day: Decimal
    change_percent: Decimal
    notes: tuple[str, ...] = ()
    paused: bool = False

    def dose_of(self, drug: str) -> DrugDose | None:
        for dose in self.doses:
            if dose.drug == drug:
                return dose
        return None

    @property
    def days(self) -> int | None:
        return None if self.end is None else (self.end - self.start).days + 1


@dataclass(frozen=True)
class Revision:
    """A schedule as it stood before a change, kept so the approved history is never lost."""

    kind: RevisionKind
    on: date
    reason: str
    steps: tuple[Step, ...]
    policy: TaperPolicy


@dataclass(frozen=True)
class Schedule:
    """A taper plan. Revisions return a new schedule with the old one appended to `history`."""

    start: date
    regimen: tuple[Medication, ...]
    policy: TaperPolicy
    baseline_mme_per_day: Decimal
    original_weight: Decimal
    steps: tuple[Step, ...]
    warnings: tuple[str, ...] = ()
    history: tuple[Revision, ...] = field(default=())

    @property
    def paused(self) -> bool:
        return bool(self.steps) and self.steps[-1].paused

    def step_on(self, day: date) -> Step | None:
        for step in self.steps:
            if step.start <= day and (step.end is None or day <= step.end):
                return step
        return None


def stopped_at(step: Step, previous: Step | None = None) -> list[DrugDose]:
    """The lines this step leaves with no dose; with the step before it, only those that were
    still taken then (a line stopped earlier is not stopped again)."""
    stopped = [dose for dose in step.doses if not dose.administrations]
    if previous is None:
        return stopped
    before = {(d.drug, d.release, d.form, d.as_needed) for d in previous.doses if d.administrations}
    return [d for d in stopped if (d.drug, d.release, d.form, d.as_needed) in before]
