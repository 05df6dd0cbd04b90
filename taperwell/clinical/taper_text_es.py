"""Spanish wording of a taper step for the patient (`describe_step(..., language="es")`).

"A partir del lunes 4 de enero de 2027: mañana: una tableta ER de 30 mg + una tableta IR de
5 mg; noche: ..."

The words live in `data/taper_text_es.toml`, with why numbers keep the decimal point (2.5 mg, as
on US labels) and drug names stay as on the label. The structure follows `taper_text.py` line
for line, so both languages say the same thing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from taperwell.clinical.formulary import DATA_DIR, DataError, read_toml
from taperwell.clinical.taper_model import DrugDose, Step, UnitDose, stopped_at
from taperwell.clinical.taper_units import plain

WORDING_PATH = DATA_DIR / "taper_text_es.toml"

_NUMBERS = {
    2: "dos",
    3: "tres",
    4: "cuatro",
    5: "cinco",
    6: "seis",
    7: "siete",
    8: "ocho",
    9: "nueve",
    10: "diez",
}


@dataclass(frozen=True)
class Noun:
    one: str
    many: str
    feminine: bool


@dataclass(frozen=True)
class Wording:
    decimal_separator: str
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    parts_of_day: dict[str, str]
    forms: dict[str, Noun]


def _strings(value: Any, where: str, count: int) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or len(value) != count
        or not all(isinstance(v, str) for v in value)
    ):
        raise DataError(f"{WORDING_PATH.name}: {where} must be a list of {count} words")
    return tuple(value)


@functools.cache
def load_wording() -> Wording:
    document = read_toml(WORDING_PATH)
    if document.get("source") != "none" or not document.get("note"):
        raise DataError(f'{WORDING_PATH.name}: needs source = "none" and a note saying why')
    separator = document.get("decimal_separator")
    if separator not in {".", ","} or not document.get("decimal_note"):
        raise DataError(f"{WORDING_PATH.name}: decimal_separator must be '.' or ',', with a note")
    parts = document.get("parts_of_day")
    wanted = {"morning", "afternoon", "evening", "bedtime"}
    if not isinstance(parts, dict) or set(parts) != wanted:
        raise DataError(f"{WORDING_PATH.name}: [parts_of_day] must name {sorted(wanted)}")
    forms: dict[str, Noun] = {}
    for form, entry in (document.get("forms") or {}).items():
        if not isinstance(entry, dict) or not {"one", "many", "feminine"} <= set(entry):
            raise DataError(f"{WORDING_PATH.name}: forms.{form} needs one, many and feminine")
        forms[form] = Noun(str(entry["one"]), str(entry["many"]), bool(entry["feminine"]))
    return Wording(
        decimal_separator=str(separator),
        weekdays=_strings(document.get("weekdays"), "weekdays", 7),
        months=_strings(document.get("months"), "months", 12),
        parts_of_day={str(k): str(v) for k, v in parts.items()},
        forms=forms,
    )


def _number(value: Decimal) -> str:
    return str(plain(value)).replace(".", load_wording().decimal_separator)


def _noun(form: str) -> Noun:
    noun = load_wording().forms.get(form)
    if noun is None:  # a form the data has no word for yet: the English word, never nothing
        return Noun(form, form, False)
    return noun


def _amount(count: Decimal, noun: Noun, release: str | None, strength: str) -> str:
    """media tableta IR de 15 mg, una tableta ER de 30 mg, dos tabletas IR de 5 mg, un parche de
    25 mcg/h; "y media" comes before the strength (una tableta y media IR de 5 mg), so that it
    can never be read as part of the milligrams."""
    half = "media" if noun.feminine else "medio"
    label = (f" {release}" if release else "") + f" de {strength}"
    if count == Decimal("0.5"):
        return f"{half} {noun.one}{label}"
    whole = int(count)
    if whole == 1:
        words = f"{'una' if noun.feminine else 'un'} {noun.one}"
    else:
        words = f"{_NUMBERS.get(whole, str(whole))} {noun.many}"
    if count != whole:
        words += f" y {half}"
    return words + label


def _unit_words(unit: UnitDose, dose: DrugDose) -> str:
    if unit.form == "solution":
        return (
            f"{_number(unit.count)} mL de la solución oral de {_number(unit.strength)} {unit.unit}"
        )
    if unit.release is not None:
        # A unit of an added product of the same drug (a formulation change).
        strength = f"{_number(unit.strength)} {unit.unit}"
        return _amount(unit.count, _noun(unit.form or dose.form), unit.release, strength)
    strength = f"{_number(unit.strength)} {dose.unit}"
    if dose.wear_hours is not None:
        return _amount(unit.count, _noun("patch"), None, strength)
    return _amount(unit.count, _noun(dose.form), dose.release, strength)


def format_day(day: date) -> str:
    """'lunes 21 de diciembre de 2026'."""
    wording = load_wording()
    return (
        f"{wording.weekdays[day.weekday()]} {day.day} de {wording.months[day.month - 1]} "
        f"de {day.year}"
    )


def part_of_day(time: str) -> str:
    from taperwell.clinical.taper_text import part_of_day as english_part

    return load_wording().parts_of_day[english_part(time)]


def _labels(times: Sequence[str]) -> dict[str, str]:
    parts = [part_of_day(t) for t in times]
    return {
        t: (p if parts.count(p) == 1 else f"{p} ({t})") for t, p in zip(times, parts, strict=True)
    }


def describe_step(step: Step, *, previous: Step | None = None, drug_names: bool = False) -> str:
    """The step as a patient who reads Spanish reads it (see `taper_text.describe_step`)."""
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
                every = f"cada {days} días" if days else f"cada {dose.wear_hours} horas"
                name = f" de {dose.drug}" if drug_names else ""
                several = len(admin.units) > 1 or any(u.count > 1 for u in admin.units)
                change = "cámbielos" if several else "cámbielo"
                lines.append(f"parche{name}: póngase {units} y {change} {every}, como antes")
            continue
        if dose.as_needed:
            for admin in dose.administrations:
                units = " + ".join(_unit_words(u, dose) for u in admin.units)
                name = f" de {dose.drug}" if drug_names else ""
                as_needed.append(f"solo si lo necesita: como máximo {units}{name} al día")
            continue
        for admin in dose.administrations:
            units = " + ".join(_unit_words(u, dose) for u in admin.units)
            if drug_names:
                partner = f" con {dose.combination}" if dose.combination else ""
                units = f"{units} de {dose.drug}{partner}"
            by_time.setdefault(admin.time, []).append(units)
    labels = _labels(sorted(by_time))
    for time in sorted(by_time):
        lines.append(f"{labels[time]}: " + " + ".join(by_time[time]))
    lines.extend(as_needed)
    stopped = stopped_at(step, previous)
    if stopped and step.kind == "stop":
        names = [d.drug for d in step.doses]
        lines.append(
            "deje de tomar "
            + " y ".join(
                _stop_name(d, step.doses) if names.count(d.drug) > 1 else d.drug for d in stopped
            )
        )
    text = f"A partir del {format_day(step.start)}: " + "; ".join(lines) + "."
    if step.kind == "hold" and not step.paused:
        text += " Todavía no hay cambio: siga con la dosis que toma ahora."
    if step.paused:
        text += (
            " Siga con esta dosis hasta que usted y su equipo de atención decidan el siguiente"
            " paso."
        )
    return text


def _stop_name(dose: DrugDose, doses: Sequence[DrugDose]) -> str:
    """Which line of a drug taken in more than one way is stopped."""
    if dose.as_needed:
        return f"las dosis de {dose.drug} que toma solo si las necesita"
    if any(d.drug == dose.drug and d.as_needed for d in doses):
        return f"las dosis fijas de {dose.drug}"
    return f"{dose.drug} {dose.release}"
