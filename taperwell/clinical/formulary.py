"""The formulary: the medicines taperwell knows, their classes and the US products sold.

Data lives in `data/formulary.toml`; it is read once, checked, and shared (see `load_formulary`).
Names are matched case-insensitively by generic name, brand alias or RxNorm ingredient RxCUI.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
FORMULARY_PATH = DATA_DIR / "formulary.toml"
SOURCES_PATH = DATA_DIR / "sources.toml"

RELEASES = frozenset({"IR", "ER"})
FORMS = frozenset(
    {
        "tablet",
        "capsule",
        "solution",
        "patch",
        "film",
        "sublingual-tablet",
        "sublingual-film",
        "buccal-tablet",
        "dispersible-tablet",
        "lozenge",
        "spray",
        "nasal-spray",
        "injection",
        "topical",
    }
)
UNITS = frozenset({"mg", "mcg", "mcg/h", "mg/mL", "mg/5 mL", "%"})
# Forms that are never cut, whatever their release type: the whole dose form is the unit.
NEVER_SPLIT_FORMS = frozenset(
    {"patch", "film", "sublingual-film", "lozenge", "spray", "nasal-spray", "dispersible-tablet"}
)


class DataError(ValueError):
    """A data file of the clinical core is malformed; the message names the file and field."""


@functools.cache
def load_sources() -> dict[str, str]:
    """Short source names (e.g. `CDC-2022`) and their full citations, from `data/sources.toml`."""
    document = read_toml(SOURCES_PATH)
    table = document.get("sources")
    if not isinstance(table, dict) or not table:
        raise DataError(f"{SOURCES_PATH.name}: missing table [sources]")
    return {key: _str(value, f"{SOURCES_PATH.name}: sources.{key}") for key, value in table.items()}


def check_source(value: Any, where: str, sources: Mapping[str, str] | None = None) -> str:
    """Return `value` if it is a known short source name, else raise DataError."""
    known = load_sources() if sources is None else sources
    if not isinstance(value, str) or not value:
        raise DataError(f"{where}: every entry needs a source")
    if value not in known:
        raise DataError(f"{where}: unknown source {value!r} (add it to {SOURCES_PATH.name})")
    return value


class UnknownDrug(KeyError):  # noqa: N818 - name fixed by the shared API
    """A medicine name the formulary does not know; carries close matches as `suggestions`."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions

    def __str__(self) -> str:
        hint = f" (did you mean: {', '.join(self.suggestions)}?)" if self.suggestions else ""
        return f"unknown medicine {self.name!r}{hint}"


@dataclass(frozen=True)
class Product:
    """One sold form of a drug, with the US strengths available."""

    form: str
    release: str
    unit: str
    strengths: tuple[Decimal, ...]
    scored: tuple[Decimal, ...]
    splittable: bool
    wear_hours: int | None
    combination: str | None
    source: str
    note: str | None
    verify: str | None = None


@dataclass(frozen=True)
class Drug:
    """A medicine by its generic (ingredient) name."""

    name: str
    rxcui: str
    aliases: tuple[str, ...]
    classes: frozenset[str]
    products: tuple[Product, ...]
    source: str = "LABELS"
    note: str | None = None
    verify: str | None = None

    @property
    def is_opioid(self) -> bool:
        return "opioid" in self.classes

    @property
    def forms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.form for p in self.products))

    def product(self, *, form: str | None = None, release: str | None = None) -> Product:
        """The first product matching form and release (either may be left open)."""
        for candidate in self.products:
            if form is not None and candidate.form != form:
                continue
            if release is not None and candidate.release != release:
                continue
            return candidate
        wanted = " ".join(part for part in (release, form) if part) or "any form"
        known = ", ".join(f"{p.release} {p.form}" for p in self.products) or "none"
        raise LookupError(f"{self.name} has no {wanted} product (known: {known})")


@dataclass(frozen=True)
class DrugClass:
    name: str
    description: str


class Formulary:
    """Every drug, indexed by lowercased generic name, alias and RxCUI."""

    def __init__(self, drugs: tuple[Drug, ...], classes: Mapping[str, DrugClass]) -> None:
        self.drugs = drugs
        self.classes = dict(classes)
        self._index: dict[str, Drug] = {}
        for drug in drugs:
            for key in (drug.name, drug.rxcui, *drug.aliases):
                folded = key.casefold()
                existing = self._index.get(folded)
                if existing is not None and existing.name != drug.name:
                    raise DataError(
                        f"formulary: {key!r} names both {existing.name} and {drug.name}"
                    )
                self._index[folded] = drug

    def __iter__(self) -> Iterator[Drug]:
        return iter(self.drugs)

    def __len__(self) -> int:
        return len(self.drugs)

    def find(self, name_or_rxcui: str) -> Drug | None:
        return self._index.get(name_or_rxcui.strip().casefold())

    def get(self, name: str) -> Drug:
        drug = self.find(name)
        if drug is None:
            raise UnknownDrug(name, self.suggestions(name))
        return drug

    def suggestions(self, name: str) -> list[str]:
        """Generic names whose name or alias is close to `name`, best first."""
        matches = difflib.get_close_matches(name.strip().casefold(), list(self._index), n=8)
        return list(dict.fromkeys(self._index[m].name for m in matches))[:3]

    def in_class(self, class_name: str) -> tuple[Drug, ...]:
        if class_name not in self.classes:
            raise KeyError(f"unknown drug class {class_name!r}")
        return tuple(d for d in self.drugs if class_name in d.classes)


@functools.cache
def load_formulary() -> Formulary:
    """The formulary from the package data, read and checked once per process."""
    return parse_formulary(read_toml(FORMULARY_PATH), where=FORMULARY_PATH.name)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"{path.name}: not valid TOML: {error}") from error


def parse_formulary(document: Mapping[str, Any], *, where: str = "formulary") -> Formulary:
    """Build and check a formulary from its parsed TOML document; raise DataError if bad."""
    sources = load_sources()
    raw_classes = _table(document, "classes", where)
    classes = {
        name: DrugClass(name=name, description=_str(value, f"{where}: classes.{name}"))
        for name, value in raw_classes.items()
    }
    default_verify = _opt_str(document.get("product_verify"), f"{where}: product_verify")
    drugs = []
    seen: set[str] = set()
    for index, raw in enumerate(_list(document, "drug", where)):
        drug = _parse_drug(raw, f"{where}: drug[{index}]", classes, sources, default_verify)
        if drug.name in seen:
            raise DataError(f"{where}: drug {drug.name!r} is listed twice")
        seen.add(drug.name)
        drugs.append(drug)
    return Formulary(tuple(drugs), classes)


def _parse_drug(
    raw: Any,
    where: str,
    classes: Mapping[str, DrugClass],
    sources: Mapping[str, str],
    default_verify: str | None,
) -> Drug:
    if not isinstance(raw, dict):
        raise DataError(f"{where}: must be a table")
    name = _str(raw.get("name"), f"{where}.name")
    where = f"{where} ({name})"
    rxcui = _str(raw.get("rxcui"), f"{where}.rxcui")
    if not rxcui.isdigit():
        raise DataError(f"{where}.rxcui must be digits, got {rxcui!r}")
    drug_classes = frozenset(_str_list(raw.get("classes"), f"{where}.classes"))
    if not drug_classes:
        raise DataError(f"{where}.classes must name at least one class")
    unknown = sorted(drug_classes - set(classes))
    if unknown:
        raise DataError(f"{where}: unknown class(es) {', '.join(unknown)}")
    source = check_source(raw.get("source", "LABELS"), f"{where}.source", sources)
    products = tuple(
        _parse_product(p, f"{where}.product[{i}]", sources, default_verify)
        for i, p in enumerate(raw.get("product", []))
    )
    if "opioid" in drug_classes and not products:
        raise DataError(f"{where}: an opioid needs at least one product")
    return Drug(
        name=name,
        rxcui=rxcui,
        aliases=tuple(_str_list(raw.get("aliases", []), f"{where}.aliases")),
        classes=drug_classes,
        products=products,
        source=source,
        note=_opt_str(raw.get("note"), f"{where}.note"),
        verify=_opt_str(raw.get("verify"), f"{where}.verify"),
    )


def _parse_product(
    raw: Any, where: str, sources: Mapping[str, str], default_verify: str | None
) -> Product:
    if not isinstance(raw, dict):
        raise DataError(f"{where}: must be a table")
    form = _str(raw.get("form"), f"{where}.form")
    if form not in FORMS:
        raise DataError(f"{where}.form {form!r} is not one of {', '.join(sorted(FORMS))}")
    release = _str(raw.get("release", "IR"), f"{where}.release")
    if release not in RELEASES:
        raise DataError(f"{where}.release must be IR or ER, got {release!r}")
    unit = _str(raw.get("unit"), f"{where}.unit")
    if unit not in UNITS:
        raise DataError(f"{where}.unit {unit!r} is not one of {', '.join(sorted(UNITS))}")
    strengths = _decimals(raw.get("strengths"), f"{where}.strengths")
    if not strengths:
        raise DataError(f"{where}.strengths must list at least one strength")
    if list(strengths) != sorted(set(strengths)):
        raise DataError(f"{where}.strengths must be ascending without repeats")
    scored = _decimals(raw.get("scored", []), f"{where}.scored")
    stray = [str(s) for s in scored if s not in strengths]
    if stray:
        raise DataError(f"{where}.scored lists strengths not sold: {', '.join(stray)}")
    never_split = release == "ER" or form in NEVER_SPLIT_FORMS
    splittable = bool(raw.get("splittable", bool(scored)))
    if never_split and (splittable or scored):
        raise DataError(f"{where}: ER products and {form}s may never be split or scored")
    wear_hours = raw.get("wear_hours")
    if form == "patch":
        if not isinstance(wear_hours, int) or isinstance(wear_hours, bool) or wear_hours <= 0:
            raise DataError(f"{where}: a patch needs wear_hours (a positive whole number)")
    elif wear_hours is not None:
        raise DataError(f"{where}: only patches have wear_hours")
    return Product(
        form=form,
        release=release,
        unit=unit,
        strengths=strengths,
        scored=scored,
        splittable=splittable,
        wear_hours=wear_hours,
        combination=_opt_str(raw.get("combination"), f"{where}.combination"),
        source=check_source(raw.get("source", "LABELS"), f"{where}.source", sources),
        note=_opt_str(raw.get("note"), f"{where}.note"),
        verify=_opt_str(raw.get("verify", default_verify), f"{where}.verify"),
    )


def _table(document: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = document.get(key)
    if not isinstance(value, dict):
        raise DataError(f"{where}: missing table [{key}]")
    return value


def _list(document: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = document.get(key)
    if not isinstance(value, list) or not value:
        raise DataError(f"{where}: missing [[{key}]] entries")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{where} is missing or not text")
    return value


def _opt_str(value: Any, where: str) -> str | None:
    return None if value is None else _str(value, where)


def _str_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        raise DataError(f"{where} must be a list of text")
    return [_str(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _decimals(value: Any, where: str) -> tuple[Decimal, ...]:
    if not isinstance(value, list):
        raise DataError(f"{where} must be a list of numbers")
    result = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int | Decimal):
            raise DataError(f"{where}: {item!r} is not a number")
        number = Decimal(item)
        if number <= 0:
            raise DataError(f"{where}: strengths must be positive, got {number}")
        result.append(number)
    return tuple(result)


# ---------------------------------------------------------------------------------------------
# Brand names (the `[[brand]]` block of formulary.toml): a brand names one product, so its
# release and combination partner come with the name.


@dataclass(frozen=True)
class ResolvedName:
    """What a medicine name says: the generic drug, and for a brand its release, form and partner.

    `release`, `form` and `combination` are None when the name does not fix them (a generic
    name, or a brand sold in more than one form).
    """

    drug: Drug
    release: str | None
    combination: str | None
    brand: str | None
    form: str | None = None


@dataclass(frozen=True)
class Brand:
    name: str
    drug: str
    release: str
    form: str | None
    combination: str | None


@functools.cache
def load_brands() -> dict[str, Brand]:
    """Brands by their case-folded name, checked against the formulary's drugs and products."""
    return parse_brands(read_toml(FORMULARY_PATH), load_formulary(), where=FORMULARY_PATH.name)


def parse_brands(
    document: Mapping[str, Any], formulary: Formulary, *, where: str = "formulary"
) -> dict[str, Brand]:
    brands: dict[str, Brand] = {}
    raw_list = document.get("brand", [])
    if not isinstance(raw_list, list):
        raise DataError(f"{where}: [[brand]] must be a list of tables")
    for index, raw in enumerate(raw_list):
        spot = f"{where}: brand[{index}]"
        if not isinstance(raw, dict):
            raise DataError(f"{spot}: must be a table")
        name = _str(raw.get("name"), f"{spot}.name")
        drug = formulary.find(_str(raw.get("drug"), f"{spot}.drug"))
        if drug is None:
            raise DataError(f"{spot} ({name}): unknown drug {raw.get('drug')!r}")
        if name.casefold() not in {a.casefold() for a in drug.aliases}:
            raise DataError(f"{spot} ({name}): must also be an alias of {drug.name}")
        release = _str(raw.get("release"), f"{spot}.release")
        if release not in RELEASES:
            raise DataError(f"{spot} ({name}).release must be IR or ER")
        form = _opt_str(raw.get("form"), f"{spot}.form")
        combination = _opt_str(raw.get("combination"), f"{spot}.combination")
        folded = name.casefold()
        if folded in brands:
            raise DataError(f"{spot}: brand {name!r} is listed twice")
        brands[folded] = Brand(name, drug.name, release, form, combination)
    return brands


def same_partner(product: str | None, brand: str | None) -> bool:
    """A brand's partner matches a product's when both name the same partner drug (or neither)."""
    if product is None or brand is None:
        return product is None and brand is None
    return product.split()[0].casefold() == brand.split()[0].casefold()


def resolve_name(name: str, formulary: Formulary | None = None) -> ResolvedName | None:
    """The drug a name means, with the release, form and partner a brand name fixes.

    `resolve_name("OxyContin")` -> oxycodone, ER, tablet, no partner, brand "OxyContin";
    `resolve_name("Norco")` -> hydrocodone, IR, tablet, "acetaminophen 325 mg";
    `resolve_name("oxycodone")` -> oxycodone with release None. None for an unknown name.
    """
    formulary = load_formulary() if formulary is None else formulary
    drug = formulary.find(name)
    if drug is None:
        return None
    brand = load_brands().get(name.strip().casefold()) if formulary is load_formulary() else None
    if brand is None:
        is_alias = name.strip().casefold() in {a.casefold() for a in drug.aliases}
        return ResolvedName(
            drug=drug, release=None, combination=None, brand=name.strip() if is_alias else None
        )
    return ResolvedName(
        drug=drug,
        release=brand.release,
        combination=brand.combination,
        brand=brand.name,
        form=brand.form,
    )
