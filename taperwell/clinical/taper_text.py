"""Plain-language wording of a taper step for the patient.

"From Monday, January 4: morning: one 30 mg ER tablet + one 5 mg IR tablet; evening: ..."
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from taperwell.clinical.taper_model import DrugDose, Step, UnitDose, stopped_at
from taperwell.clinical.taper_units import plain

_NUMBERS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def part_of_day(time: str) -> str:
    """08:00 -> morning; 13:00 -> afternoon; 18:00 -> evening; 22:00 -> bedtime."""
    hour = int(time.split(":")[0])
    if 4 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 21:
        return "evening"
    return "bedtime"


def _count_words(count: Decimal) -> str:
    if count == Decimal("0.5"):
        return "half a"
    whole = int(count)
    words = _NUMBERS.get(whole, str(whole))
    if count != whole:
        return f"{words} and a half"
    return words


def _unit_words(unit: UnitDose, dose: DrugDose) -> str:
    if unit.form == "solution":
        return f"{plain(unit.count)} mL of the {plain(unit.strength)} {unit.unit} oral solution"
    if unit.release is not None:
        # A unit of an added product of the same drug (a formulation change).
        plural = unit.count > 1
        noun = f"{plain(unit.strength)} {unit.unit} {unit.release} {unit.form}" + (
            "s" if plural else ""
        )
        return f"{_count_words(unit.count)} {noun}"
    strength = f"{plain(unit.strength)} {dose.unit}"
    form = "patch" if dose.wear_hours is not None else dose.form
    label = (
        f"{strength} {form}" if dose.wear_hours is not None else f"{strength} {dose.release} {form}"
    )
    plural = unit.count > 1
    noun = label + ("es" if plural and form == "patch" else "s" if plural else "")
    return f"{_count_words(unit.count)} {noun}"


def format_day(day: date) -> str:
    """'Monday, January 4' for a date: month first, as US clinics write it."""
    return f"{_WEEKDAYS[day.weekday()]}, {_MONTHS[day.month - 1]} {day.day}"


def _labels(times: Sequence[str]) -> dict[str, str]:
    parts = [part_of_day(t) for t in times]
    return {
        t: (p if parts.count(p) == 1 else f"{p} ({t})") for t, p in zip(times, parts, strict=True)
    }


def describe_step(
    step: Step, *, previous: Step | None = None, drug_names: bool = False, language: str = "en"
) -> str:
    """The step as the patient reads it. Tablets grouped by time of day; patches on their own.

    `previous` lets the text name only the medicine stopped at this step; `drug_names` adds
    the drug's name to each line (for a regimen of several opioids). `language` "es" (or
    "es-mx" and the like) gives the Spanish wording (taper_text_es.py); any other, English.
    """
    if language.lower().split("-")[0] == "es":
        from taperwell.clinical import taper_text_es

        return taper_text_es.describe_step(step, previous=previous, drug_names=drug_names)
    lines: list[str] = []
    by_time: dict[str, list[str]] = {}
    as_needed: list[str] = []
    for dose in step.doses:
        if not dose.administrations:
            continue  # a stopped line: named below
        if dose.wear_hours is not None:
            for admin in dose.administrations:
                units = " + ".join(_unit_words(u, dose) for u in admin.units)
                days = dose.wear_hours // 24 if dose.wear_hours % 24 == 0 else None
                every = f"every {days} days" if days else f"every {dose.wear_hours} hours"
                name = f"{dose.drug} " if drug_names else ""
                lines.append(f"{name}patch: wear {units}, changed {every} as before")
            continue
        if dose.as_needed:
            for admin in dose.administrations:
                units = " + ".join(_unit_words(u, dose) for u in admin.units)
                name = f" of {dose.drug}" if drug_names else ""
                as_needed.append(f"only if needed: at most {units}{name} a day")
            continue
        for admin in dose.administrations:
            units = " + ".join(_unit_words(u, dose) for u in admin.units)
            if drug_names:
                partner = f" with {dose.combination}" if dose.combination else ""
                units = f"{units} of {dose.drug}{partner}"
            by_time.setdefault(admin.time, []).append(units)
    labels = _labels(sorted(by_time))
    for time in sorted(by_time):
        lines.append(f"{labels[time]}: " + " + ".join(by_time[time]))
    lines.extend(as_needed)
    stopped = stopped_at(step, previous)
    if stopped and step.kind == "stop":
        names = [d.drug for d in step.doses]
        lines.append(
            "stop taking "
            + " and ".join(
                _stop_name(d, step.doses) if names.count(d.drug) > 1 else d.drug for d in stopped
            )
        )
    text = f"From {format_day(step.start)}: " + "; ".join(lines) + "."
    if step.kind == "hold" and not step.paused:
        text += " No change yet: stay on the dose you have now."
    if step.paused:
        text += " Stay on this dose until you and your care team decide the next step."
    return text


def _stop_name(dose: DrugDose, doses: Sequence[DrugDose]) -> str:
    """Which line of a drug taken in more than one way is stopped."""
    if dose.as_needed:
        return f"{dose.drug} as needed"
    if any(d.drug == dose.drug and d.as_needed for d in doses):
        return f"the scheduled {dose.drug}"
    return f"{dose.drug} {dose.release}"
