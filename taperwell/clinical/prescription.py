"""The prescription worksheet's arithmetic: how much of each opioid product a step needs.

A taper step (the `step_document` JSON of `cli_taper`) says, for each medicine, which units of
which strength are taken at which time. The prescriber needs it the other way round: per product
(drug, release, form, strength), how many units per dose, how many doses a day, and how many
units for the days a fill covers. This module only counts; it never sends or signs anything.

Rules (numbers in `data/prescription.toml`, each with its source or `source = "none"` and why):

- The days a fill covers: from the later of the step's start and today to the step's end,
  inclusive, but never more than the clinic's fill length (a step with no end date yet gets the
  fill length).
- Units for those days: units per day x days. Half tablets are counted as halves and the total is
  rounded up to whole tablets (a tablet is split, never dispensed as half a tablet).
- A patch line: one application per `wear_hours`; the count is applications in the days
  (rounded up) x patches worn.
- An oral solution: counted in mL, rounded up to a whole mL.
- An as-needed line: counted at the most it allows a day (what the prescription must cover).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

from taperwell.clinical.formulary import DATA_DIR, DataError, load_sources

PRESCRIPTION_PATH = DATA_DIR / "prescription.toml"


@dataclass(frozen=True)
class FillPolicy:
    days: int
    at_most: int
    source: str
    note: str


def load_fill_policy(path: Path = PRESCRIPTION_PATH) -> FillPolicy:
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    raw = document["fill"]
    sources = load_sources()
    for key, note_key in (("source", "note"), ("at_most_source", "at_most_note")):
        source = str(raw[key])
        if source == "none":
            if not str(raw.get(note_key, "")).strip():
                raise DataError(f"{path.name}: [fill] {key} = 'none' needs a {note_key}")
        elif source not in sources:
            raise DataError(f"{path.name}: [fill] cites unknown source {source!r}")
    days, at_most = int(raw["days"]), int(raw["at_most"])
    if not 1 <= days <= at_most:
        raise DataError(f"{path.name}: [fill] days must be between 1 and {at_most}")
    return FillPolicy(days=days, at_most=at_most, source=str(raw["source"]), note=str(raw["note"]))


def fill_days(*, start: date, end: date | None, today: date, fill_length: int) -> int:
    """Days one fill covers for a step: to the step's end (inclusive), at most `fill_length`."""
    if fill_length < 1:
        raise ValueError("the fill length must be at least one day")
    first = max(start, today)
    if end is None:
        return fill_length
    if end < first:
        return 0
    return min((end - first).days + 1, fill_length)


@dataclass(frozen=True)
class WorksheetLine:
    """One product of one step, as a prescriber enters it."""

    drug: str
    release: str
    form: str
    strength: Decimal
    unit: str  # the strength's unit: "mg", "mcg/h", "mg/mL"
    dispense_unit: str  # what is counted: "tablets", "capsules", "patches", "mL", ...
    per_dose: tuple[tuple[str, Decimal], ...]  # (time, units) for each dose of the day
    per_day: Decimal  # units a day (an as-needed line: the most it allows)
    days: int
    quantity: int  # whole units for `days`
    as_needed: bool = False
    wear_hours: int | None = None
    combination: str | None = None

    @property
    def doses_per_day(self) -> int:
        return len(self.per_dose)

    @property
    def same_each_dose(self) -> Decimal | None:
        """Units per dose when every dose of the day is the same, else None."""
        counts = {count for _, count in self.per_dose}
        return counts.pop() if len(counts) == 1 else None

    @property
    def per_dose_words(self) -> str | None:
        """The same count each dose with its unit ("1 tablet", "7 mL", "half a tablet"), else
        None: a bare "7" beside a solution could be read as tablets."""
        same = self.same_each_dose
        return None if same is None else _count(same, self.dispense_unit)

    @property
    def quantity_words(self) -> str:
        return f"{self.quantity} ({number_in_words(self.quantity)})"

    @property
    def how_taken(self) -> str:
        """The directions in a prescriber's words: "1 tablet at 08:00, 2 tablets at 20:00"."""
        if self.wear_hours is not None:
            every = self.wear_hours // 24 if self.wear_hours % 24 == 0 else None
            change = f"every {every} days" if every else f"every {self.wear_hours} hours"
            return f"{_count(self.per_day, 'patches')}, changed {change}"
        if self.as_needed:
            return f"only if needed, at most {_count(self.per_day, self.dispense_unit)} a day"
        return ", ".join(
            f"{_count(count, self.dispense_unit)} at {time}" for time, count in self.per_dose
        )

    @property
    def product(self) -> str:
        strength = _plain(self.strength)
        if self.wear_hours is not None:
            name = f"{self.drug} {strength} {self.unit} patch"
        else:
            name = f"{self.drug} {self.release} {self.form} {strength} {self.unit}"
        return f"{name} with {self.combination}" if self.combination else name


_DISPENSE = {"tablet": "tablets", "capsule": "capsules", "patch": "patches", "solution": "mL"}


def _dispense_unit(form: str) -> str:
    return _DISPENSE.get(form, f"{form} units")


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _count(value: Decimal, dispense_unit: str) -> str:
    """ "1 tablet", "2 tablets", "0.5 tablet (half)", "2.5 mL"."""
    number = _plain(value)
    if dispense_unit == "mL":
        return f"{number} mL"
    singular = dispense_unit.removesuffix("es") if dispense_unit == "patches" else None
    singular = singular or dispense_unit.removesuffix("s")
    if value == Decimal("0.5"):
        return f"half a {singular}"
    if value == 1:
        return f"1 {singular}"
    return f"{number} {dispense_unit}"


def _whole_up(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def worksheet_lines(
    medications: Sequence[Mapping[str, Any]], *, days: int
) -> tuple[WorksheetLine, ...]:
    """Per product, the units for `days` days of one step's medicines (a `step_document`'s
    "medications"). A medicine stopped at this step (no administrations) has no line."""
    if days < 0:
        raise ValueError("days cannot be negative")
    counts: dict[tuple[Any, ...], dict[str, Decimal]] = {}
    details: dict[tuple[Any, ...], dict[str, Any]] = {}
    for medication in medications:
        for time, units in (medication.get("administrations") or {}).items():
            for unit in units:
                release = unit.get("release") or medication["release"]
                form = unit.get("form") or medication["form"]
                strength_unit = unit.get("unit") or medication["unit"]
                strength = Decimal(str(unit["strength"]))
                key = (
                    medication["drug"],
                    release,
                    form,
                    strength,
                    strength_unit,
                    bool(medication.get("as_needed")),
                    medication.get("combination"),
                )
                by_time = counts.setdefault(key, {})
                by_time[time] = by_time.get(time, Decimal(0)) + Decimal(str(unit["count"]))
                details.setdefault(key, {"wear_hours": medication.get("wear_hours")})
    lines = []
    for key, by_time in counts.items():
        drug, release, form, strength, strength_unit, as_needed, combination = key
        wear_hours = details[key]["wear_hours"]
        per_dose = tuple(sorted(by_time.items()))
        per_day = sum((count for _, count in per_dose), Decimal(0))
        if wear_hours:
            applications = math.ceil(days * 24 / wear_hours) if days else 0
            quantity = _whole_up(per_day * applications)
        else:
            quantity = _whole_up(per_day * days)
        lines.append(
            WorksheetLine(
                drug=drug,
                release=release,
                form=form,
                strength=strength,
                unit=strength_unit,
                dispense_unit=_dispense_unit(form),
                per_dose=per_dose,
                per_day=per_day,
                days=days,
                quantity=quantity,
                as_needed=as_needed,
                wear_hours=wear_hours,
                combination=combination,
            )
        )
    return tuple(
        sorted(lines, key=lambda line: (line.drug, line.release, line.as_needed, line.strength))
    )


_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_in_words(n: int) -> str:
    """A whole number in US English words, as written on a prescription: 56 -> "fifty-six"."""
    if n < 0:
        raise ValueError("a quantity cannot be negative")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        words = f"{_ONES[hundreds]} hundred"
        return words + (f" {number_in_words(rest)}" if rest else "")
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        words = f"{number_in_words(thousands)} thousand"
        return words + (f" {number_in_words(rest)}" if rest else "")
    raise ValueError("a quantity above a million is not a prescription")
