"""Dose limits: label daily maxima (reported by the review) and bounds on plausible input.

Data lives in `data/dose_limits.toml`; every entry names its source, or `source = "none"` with a
note saying why no source gives the number. `review` reports a total above a `DailyMaximum`;
`mme` and `review` refuse a dose above a `Ceiling` or more doses a day than `doses_per_day_at_most`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from taperwell.clinical.formulary import (
    DATA_DIR,
    RELEASES,
    DataError,
    Formulary,
    check_source,
    load_formulary,
    read_toml,
)

DOSE_LIMITS_PATH = DATA_DIR / "dose_limits.toml"


@dataclass(frozen=True)
class DailyMaximum:
    """A label's most per day of one drug (optionally one release) or of one ingredient."""

    id: str
    mg_per_day: Decimal
    action: str
    source: str
    drug: str | None = None
    ingredient: str | None = None
    release: str | None = None
    also: tuple[str, ...] = ()
    note: str | None = None
    verify: str | None = None

    @property
    def subject(self) -> str:
        return self.ingredient or self.drug or ""


@dataclass(frozen=True)
class Ceiling:
    """The largest dose that is not a typing slip, for one drug in one form and unit."""

    drug: str
    form: str
    unit: str
    at_most: Decimal
    source: str
    note: str | None = None


@dataclass(frozen=True)
class DoseLimits:
    doses_per_day_at_most: Decimal
    maxima: tuple[DailyMaximum, ...]
    ceilings: tuple[Ceiling, ...]

    def ceiling(self, drug: str, form: str | None, unit: str) -> Ceiling | None:
        return next(
            (c for c in self.ceilings if c.drug == drug and c.form == form and c.unit == unit),
            None,
        )


@functools.cache
def load_dose_limits() -> DoseLimits:
    """The dose limits from the package data, read and checked once per process."""
    return parse_dose_limits(read_toml(DOSE_LIMITS_PATH), where=DOSE_LIMITS_PATH.name)


def parse_dose_limits(
    document: Mapping[str, Any], *, where: str, formulary: Formulary | None = None
) -> DoseLimits:
    formulary = formulary or load_formulary()
    per_day = document.get("doses_per_day")
    if not isinstance(per_day, dict):
        raise DataError(f"{where}: missing table [doses_per_day]")
    _cited(per_day, f"{where}: doses_per_day")
    maxima = tuple(
        _maximum(raw, f"{where}: maximum[{i}]", formulary)
        for i, raw in enumerate(_tables(document, "maximum", where))
    )
    ids = [m.id for m in maxima]
    if len(ids) != len(set(ids)):
        raise DataError(f"{where}: two [[maximum]] entries share an id")
    ceilings = tuple(
        _ceiling(raw, f"{where}: ceiling[{i}]", formulary)
        for i, raw in enumerate(_tables(document, "ceiling", where))
    )
    return DoseLimits(
        doses_per_day_at_most=_positive(per_day.get("at_most"), f"{where}: doses_per_day"),
        maxima=maxima,
        ceilings=ceilings,
    )


def _maximum(raw: dict[str, Any], where: str, formulary: Formulary) -> DailyMaximum:
    drug = _opt_text(raw.get("drug"), f"{where}.drug")
    ingredient = _opt_text(raw.get("ingredient"), f"{where}.ingredient")
    if (drug is None) == (ingredient is None):
        raise DataError(f"{where}: give either `drug` or `ingredient`")
    for name in (drug, ingredient):
        if name is not None and formulary.find(name) is None:
            raise DataError(f"{where}: {name!r} is not in the formulary")
    release = _opt_text(raw.get("release"), f"{where}.release")
    if release is not None and release not in RELEASES:
        raise DataError(f"{where}.release must be IR or ER")
    also = raw.get("also", [])
    if not isinstance(also, list):
        raise DataError(f"{where}.also must be a list of sources")
    return DailyMaximum(
        id=_text(raw.get("id"), f"{where}.id"),
        mg_per_day=_positive(raw.get("mg_per_day"), f"{where}.mg_per_day"),
        action=_text(raw.get("action"), f"{where}.action"),
        source=check_source(raw.get("source"), where),
        drug=drug,
        ingredient=ingredient,
        release=release,
        also=tuple(check_source(s, f"{where}.also") for s in also),
        note=_opt_text(raw.get("note"), f"{where}.note"),
        verify=_opt_text(raw.get("verify"), f"{where}.verify"),
    )


def _ceiling(raw: dict[str, Any], where: str, formulary: Formulary) -> Ceiling:
    drug = _text(raw.get("drug"), f"{where}.drug")
    found = formulary.find(drug)
    if found is None or found.name != drug:
        raise DataError(f"{where}: {drug!r} is not a generic name in the formulary")
    form = _text(raw.get("form"), f"{where}.form")
    if form not in found.forms:
        raise DataError(f"{where}: {drug} has no form {form!r}")
    return Ceiling(
        drug=drug,
        form=form,
        unit=_text(raw.get("unit"), f"{where}.unit"),
        at_most=_positive(raw.get("at_most"), f"{where}.at_most"),
        source=_cited(raw, where),
        note=_opt_text(raw.get("note"), f"{where}.note"),
    )


def _cited(raw: Mapping[str, Any], where: str) -> str:
    """The entry's source; `none` is allowed only with a note that says why."""
    if raw.get("source") == "none":
        _text(raw.get("note"), f"{where}.note (required with source = none)")
        return "none"
    return check_source(raw.get("source"), where)


def _tables(document: Mapping[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DataError(f"{where}: [[{key}]] must be a list of tables")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{where} is missing or not text")
    return value


def _opt_text(value: Any, where: str) -> str | None:
    return None if value is None else _text(value, where)


def _positive(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise DataError(f"{where} must be a number, got {value!r}")
    number = Decimal(value)
    if number <= 0:
        raise DataError(f"{where} must be positive, got {number}")
    return number
