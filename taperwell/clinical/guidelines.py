"""Guideline packs: versioned, cited data for MME factors, thresholds, naloxone and interactions.

A pack (`data/guidelines/<id>.toml`) holds an MME factor table, the exclusions (drugs without a
clinical factor), the MME thresholds, and includes shared files with the naloxone triggers and
interaction rules. A state overlay (`data/guidelines/states/<XX>.toml`) adds its own thresholds
and naloxone triggers on top of a pack. Every entry carries a short source name from
`data/sources.toml`; entries the reference marks uncertain carry a `verify` note.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from taperwell.clinical.formulary import (
    DATA_DIR,
    DataError,
    Formulary,
    check_source,
    load_formulary,
    read_toml,
)

PACKS_DIR = DATA_DIR / "guidelines"
STATES_DIR = PACKS_DIR / "states"
DEFAULT_PACK = "cdc-2022"

SEVERITIES: tuple[str, ...] = ("contraindicated", "major", "moderate", "minor")
HISTORY_FLAGS: tuple[str, ...] = ("overdose", "substance_use_disorder", "sleep_apnea", "tapering")


class UnknownPackError(LookupError):
    """No guideline pack or state overlay of that name."""


@dataclass(frozen=True)
class Tier:
    """One band of a dose-dependent factor: applies to daily doses up to `up_to` (None: above)."""

    up_to: Decimal | None
    factor: Decimal


@dataclass(frozen=True)
class FactorRule:
    """An MME conversion factor for a drug, optionally limited to some forms."""

    drug: str
    forms: tuple[str, ...] | None  # None: any form the drug has not given its own entry
    unit: str
    factor: Decimal | None
    tiers: tuple[Tier, ...]
    source: str
    analytic: bool
    note: str | None
    verify: str | None

    @property
    def tiered(self) -> bool:
        return bool(self.tiers)


@dataclass(frozen=True)
class Exclusion:
    """A drug with no clinical MME factor: listed separately, never counted."""

    drug: str
    reason: str
    source: str


@dataclass(frozen=True)
class Threshold:
    id: str
    at_least: Decimal
    action: str
    source: str
    jurisdiction: str
    effective: dt.date | None
    exempt_when: tuple[str, ...]
    exempt_reason: str | None
    note: str | None
    verify: str | None


@dataclass(frozen=True)
class NaloxoneTrigger:
    """One reason to offer naloxone: an MME level, a co-prescribed class, or a history flag."""

    id: str
    kind: str  # "mme" | "class" | "history"
    reason: str
    source: str
    at_least: Decimal | None = None
    classes: tuple[str, ...] = ()
    flag: str | None = None
    note: str | None = None
    verify: str | None = None


@dataclass(frozen=True)
class Slot:
    """One participant of an interaction rule: any drug in one of `classes` or named in `drugs`,
    except those in `except_drugs` (covered by another, stronger rule)."""

    classes: tuple[str, ...]
    drugs: tuple[str, ...]
    except_drugs: tuple[str, ...] = ()

    def matches(self, name: str, classes: frozenset[str]) -> bool:
        if name in self.except_drugs:
            return False
        return name in self.drugs or not classes.isdisjoint(self.classes)


@dataclass(frozen=True)
class InteractionRule:
    id: str
    severity: str
    slots: tuple[Slot, ...]
    summary: str
    action: str
    source: str
    also: tuple[str, ...]
    effective: dt.date | None
    note: str | None
    verify: str | None


@dataclass(frozen=True)
class StateOverlay:
    jurisdiction: str
    title: str
    effective: dt.date
    source: str
    thresholds: tuple[Threshold, ...]
    naloxone: tuple[NaloxoneTrigger, ...]
    verify: str | None


@dataclass(frozen=True)
class GuidelinePack:
    id: str
    title: str
    jurisdiction: str
    effective: dt.date
    source: str
    caution: str
    factors: tuple[FactorRule, ...]
    exclusions: tuple[Exclusion, ...]
    thresholds: tuple[Threshold, ...]
    naloxone: tuple[NaloxoneTrigger, ...]
    interactions: tuple[InteractionRule, ...]
    state: StateOverlay | None = None

    @property
    def label(self) -> str:
        return self.id if self.state is None else f"{self.id}+{self.state.jurisdiction}"

    def factor_rules(self, drug: str) -> tuple[FactorRule, ...]:
        return tuple(rule for rule in self.factors if rule.drug == drug)

    def exclusion(self, drug: str) -> Exclusion | None:
        return next((e for e in self.exclusions if e.drug == drug), None)


def available_packs() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in PACKS_DIR.glob("*.toml") if not p.stem.startswith("_")))


def available_states() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in STATES_DIR.glob("*.toml")))


def load_pack(name: str = DEFAULT_PACK, state: str | None = None) -> GuidelinePack:
    """The named guideline pack, with a state overlay applied when `state` is given."""
    pack = _load_base_pack(name.strip().lower())
    if state is None:
        return pack
    overlay = _load_state(state.strip().upper())
    return replace(
        pack,
        state=overlay,
        thresholds=pack.thresholds + overlay.thresholds,
        naloxone=pack.naloxone + overlay.naloxone,
    )


@functools.cache
def _load_base_pack(name: str) -> GuidelinePack:
    path = PACKS_DIR / f"{name}.toml"
    if name.startswith("_") or not path.is_file():
        raise UnknownPackError(
            f"unknown guideline pack {name!r} (available: {', '.join(available_packs())})"
        )
    return parse_pack(read_toml(path), where=path.name, base_dir=PACKS_DIR)


@functools.cache
def _load_state(code: str) -> StateOverlay:
    path = STATES_DIR / f"{code}.toml"
    if not code.isalpha() or not path.is_file():
        raise UnknownPackError(
            f"unknown state pack {code!r} (available: {', '.join(available_states())})"
        )
    return parse_state(read_toml(path), where=f"states/{path.name}")


def parse_pack(
    document: Mapping[str, Any],
    *,
    where: str,
    base_dir: Path = PACKS_DIR,
    formulary: Formulary | None = None,
) -> GuidelinePack:
    """Build and check a pack from its TOML document (and the files it includes)."""
    formulary = formulary or load_formulary()
    merged: dict[str, Any] = dict(document)
    for include in _texts(document.get("include", []), f"{where}.include"):
        included = read_toml(base_dir / include)
        for key in ("naloxone", "interaction"):
            merged[key] = [*merged.get(key, []), *included.get(key, [])]
    pack_id = _text(document.get("id"), f"{where}.id")
    jurisdiction = _text(document.get("jurisdiction", "US"), f"{where}.jurisdiction")
    factors = tuple(
        _parse_factor(raw, f"{where}: factor[{i}]", formulary)
        for i, raw in enumerate(_entries(merged, "factor", where))
    )
    _check_factor_overlap(factors, where)
    exclusions = tuple(
        Exclusion(
            drug=_known_drug(raw.get("drug"), f"{where}: exclusion[{i}].drug", formulary),
            reason=_text(raw.get("reason"), f"{where}: exclusion[{i}].reason"),
            source=check_source(raw.get("source"), f"{where}: exclusion[{i}]"),
        )
        for i, raw in enumerate(_entries(merged, "exclusion", where, required=False))
    )
    overlap = {e.drug for e in exclusions} & {f.drug for f in factors}
    if overlap:
        raise DataError(f"{where}: {', '.join(sorted(overlap))} has both a factor and an exclusion")
    return GuidelinePack(
        id=pack_id,
        title=_text(document.get("title"), f"{where}.title"),
        jurisdiction=jurisdiction,
        effective=_required_date(document.get("effective"), f"{where}.effective"),
        source=check_source(document.get("source"), f"{where}.source"),
        caution=_text(document.get("caution"), f"{where}.caution"),
        factors=factors,
        exclusions=exclusions,
        thresholds=_parse_thresholds(merged, where, jurisdiction),
        naloxone=_parse_naloxone(merged, where, formulary),
        interactions=_parse_interactions(merged, where, formulary),
    )


def parse_state(
    document: Mapping[str, Any], *, where: str, formulary: Formulary | None = None
) -> StateOverlay:
    formulary = formulary or load_formulary()
    jurisdiction = _text(document.get("jurisdiction"), f"{where}.jurisdiction")
    effective = _required_date(document.get("effective"), f"{where}.effective")
    verify = _opt_text(document.get("verify"), f"{where}.verify")
    # A threshold without its own date or verify note takes the overlay's.
    thresholds = tuple(
        replace(t, effective=t.effective or effective, verify=t.verify or verify)
        for t in _parse_thresholds(document, where, jurisdiction)
    )
    return StateOverlay(
        jurisdiction=jurisdiction,
        title=_text(document.get("title"), f"{where}.title"),
        effective=effective,
        source=check_source(document.get("source"), f"{where}.source"),
        thresholds=thresholds,
        naloxone=_parse_naloxone(document, where, formulary, required=False),
        verify=verify,
    )


def _parse_factor(raw: Mapping[str, Any], where: str, formulary: Formulary) -> FactorRule:
    drug_name = _known_drug(raw.get("drug"), f"{where}.drug", formulary)
    drug = formulary.get(drug_name)
    where = f"{where} ({drug_name})"
    forms: tuple[str, ...] | None = None
    if "forms" in raw:
        forms = tuple(_texts(raw["forms"], f"{where}.forms"))
        unknown = [f for f in forms if f not in drug.forms]
        if unknown:
            raise DataError(f"{where}: {drug_name} has no form(s) {', '.join(unknown)}")
    factor = raw.get("factor")
    tiers_raw = raw.get("tiers", [])
    if (factor is None) == (not tiers_raw):
        raise DataError(f"{where}: give either `factor` or `tiers`, not both or neither")
    tiers = tuple(
        Tier(
            up_to=None if t.get("up_to") is None else _number(t["up_to"], f"{where}.tiers.up_to"),
            factor=_number(t.get("factor"), f"{where}.tiers.factor"),
        )
        for t in tiers_raw
    )
    if tiers:
        bounds = [t.up_to for t in tiers[:-1]]
        if tiers[-1].up_to is not None or any(b is None for b in bounds):
            raise DataError(f"{where}: only the last tier may (and must) be open-ended")
        if bounds != sorted(bounds):  # type: ignore[type-var]
            raise DataError(f"{where}: tiers must rise")
    return FactorRule(
        drug=drug_name,
        forms=forms,
        unit=_text(raw.get("unit"), f"{where}.unit"),
        factor=None if factor is None else _number(factor, f"{where}.factor"),
        tiers=tiers,
        source=check_source(raw.get("source"), where),
        analytic=bool(raw.get("analytic", False)),
        note=_opt_text(raw.get("note"), f"{where}.note"),
        verify=_opt_text(raw.get("verify"), f"{where}.verify"),
    )


def _check_factor_overlap(factors: tuple[FactorRule, ...], where: str) -> None:
    seen: set[tuple[str, str | None]] = set()
    for rule in factors:
        for form in rule.forms or (None,):
            key = (rule.drug, form)
            if key in seen:
                raise DataError(f"{where}: two factors for {rule.drug} ({form or 'any form'})")
            seen.add(key)


def _parse_thresholds(
    document: Mapping[str, Any], where: str, jurisdiction: str
) -> tuple[Threshold, ...]:
    result = []
    for i, raw in enumerate(_entries(document, "threshold", where, required=False)):
        here = f"{where}: threshold[{i}]"
        exempt_when = tuple(_texts(raw.get("exempt_when", []), f"{here}.exempt_when"))
        unknown = [flag for flag in exempt_when if flag not in HISTORY_FLAGS]
        if unknown:
            raise DataError(f"{here}: unknown history flag(s) {', '.join(unknown)}")
        result.append(
            Threshold(
                id=_text(raw.get("id"), f"{here}.id"),
                at_least=_number(raw.get("at_least"), f"{here}.at_least"),
                action=_text(raw.get("action"), f"{here}.action"),
                source=check_source(raw.get("source"), here),
                jurisdiction=jurisdiction,
                effective=_date(raw.get("effective"), f"{here}.effective"),
                exempt_when=exempt_when,
                exempt_reason=_opt_text(raw.get("exempt_reason"), f"{here}.exempt_reason"),
                note=_opt_text(raw.get("note"), f"{here}.note"),
                verify=_opt_text(raw.get("verify"), f"{here}.verify"),
            )
        )
    return tuple(result)


def _parse_naloxone(
    document: Mapping[str, Any], where: str, formulary: Formulary, *, required: bool = True
) -> tuple[NaloxoneTrigger, ...]:
    result = []
    for i, raw in enumerate(_entries(document, "naloxone", where, required=required)):
        here = f"{where}: naloxone[{i}]"
        kind = _text(raw.get("kind"), f"{here}.kind")
        trigger = NaloxoneTrigger(
            id=_text(raw.get("id"), f"{here}.id"),
            kind=kind,
            reason=_text(raw.get("reason"), f"{here}.reason"),
            source=check_source(raw.get("source"), here),
            at_least=None if raw.get("at_least") is None else _number(raw["at_least"], here),
            classes=tuple(_texts(raw.get("classes", []), f"{here}.classes")),
            flag=_opt_text(raw.get("flag"), f"{here}.flag"),
            note=_opt_text(raw.get("note"), f"{here}.note"),
            verify=_opt_text(raw.get("verify"), f"{here}.verify"),
        )
        if kind == "mme" and trigger.at_least is None:
            raise DataError(f"{here}: an mme trigger needs at_least")
        elif kind == "class":
            _check_classes(trigger.classes, here, formulary, required=True)
        elif kind == "history" and trigger.flag not in HISTORY_FLAGS:
            raise DataError(f"{here}: flag must be one of {', '.join(HISTORY_FLAGS)}")
        elif kind not in {"mme", "class", "history"}:
            raise DataError(f"{here}: kind must be mme, class or history, got {kind!r}")
        result.append(trigger)
    return tuple(result)


def _parse_interactions(
    document: Mapping[str, Any], where: str, formulary: Formulary
) -> tuple[InteractionRule, ...]:
    result = []
    ids: set[str] = set()
    for i, raw in enumerate(_entries(document, "interaction", where)):
        here = f"{where}: interaction[{i}]"
        rule_id = _text(raw.get("id"), f"{here}.id")
        here = f"{here} ({rule_id})"
        if rule_id in ids:
            raise DataError(f"{here}: duplicate rule id")
        ids.add(rule_id)
        severity = _text(raw.get("severity"), f"{here}.severity")
        if severity not in SEVERITIES:
            raise DataError(f"{here}: severity must be one of {', '.join(SEVERITIES)}")
        slots_raw = raw.get("slots")
        if not isinstance(slots_raw, list) or len(slots_raw) < 2:
            raise DataError(f"{here}: a rule needs at least two slots")
        slots = []
        for j, slot_raw in enumerate(slots_raw):
            classes = tuple(_texts(slot_raw.get("classes", []), f"{here}.slots[{j}].classes"))
            drugs = tuple(
                _known_drug(d, f"{here}.slots[{j}].drugs", formulary)
                for d in _texts(slot_raw.get("drugs", []), f"{here}.slots[{j}].drugs")
            )
            except_drugs = tuple(
                _known_drug(d, f"{here}.slots[{j}].except_drugs", formulary)
                for d in _texts(slot_raw.get("except_drugs", []), f"{here}.slots[{j}].except_drugs")
            )
            _check_classes(classes, f"{here}.slots[{j}]", formulary, required=not drugs)
            slots.append(Slot(classes=classes, drugs=drugs, except_drugs=except_drugs))
        result.append(
            InteractionRule(
                id=rule_id,
                severity=severity,
                slots=tuple(slots),
                summary=_text(raw.get("summary"), f"{here}.summary"),
                action=_text(raw.get("action"), f"{here}.action"),
                source=check_source(raw.get("source"), here),
                also=tuple(
                    check_source(s, f"{here}.also") for s in _texts(raw.get("also", []), here)
                ),
                effective=_date(raw.get("effective"), f"{here}.effective"),
                note=_opt_text(raw.get("note"), f"{here}.note"),
                verify=_opt_text(raw.get("verify"), f"{here}.verify"),
            )
        )
    return tuple(result)


def _check_classes(
    classes: tuple[str, ...], where: str, formulary: Formulary, *, required: bool
) -> None:
    if required and not classes:
        raise DataError(f"{where}: name at least one class or drug")
    unknown = [c for c in classes if c not in formulary.classes]
    if unknown:
        raise DataError(f"{where}: unknown class(es) {', '.join(unknown)}")


def _known_drug(value: Any, where: str, formulary: Formulary) -> str:
    name = _text(value, where)
    drug = formulary.find(name)
    if drug is None or drug.name != name:
        raise DataError(f"{where}: {name!r} is not a generic name in the formulary")
    return name


def _entries(
    document: Mapping[str, Any], key: str, where: str, *, required: bool = True
) -> list[dict[str, Any]]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DataError(f"{where}: [[{key}]] must be a list of tables")
    if required and not value:
        raise DataError(f"{where}: missing [[{key}]] entries")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{where} is missing or not text")
    return value


def _opt_text(value: Any, where: str) -> str | None:
    return None if value is None else _text(value, where)


def _texts(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise DataError(f"{where} must be a list of text")
    return [_text(v, where) for v in value]


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise DataError(f"{where} must be a number, got {value!r}")
    number = Decimal(value)
    if number <= 0:
        raise DataError(f"{where} must be positive, got {number}")
    return number


def _date(value: Any, where: str) -> dt.date | None:
    return None if value is None else _required_date(value, where)


def _required_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise DataError(f"{where} must be a date (YYYY-MM-DD)")
