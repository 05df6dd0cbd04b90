"""Connect the taper engine to the formulary (strengths, scoring, wear time) and a guideline
pack (MME factors), so callers can describe a regimen by drug name.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from taperwell.clinical.formulary import (
    Drug,
    Formulary,
    Product,
    load_formulary,
    resolve_name,
    same_partner,
)
from taperwell.clinical.guidelines import GuidelinePack, load_pack
from taperwell.clinical.mme import DoseError, NoFactor, mme_factor, normalise_unit
from taperwell.clinical.taper import MmeFunction
from taperwell.clinical.taper_model import (
    SOLUTION_MEASURE_ML,
    AddedProduct,
    Medication,
    TaperError,
)

# Forms the engine can plan in whole units. Liquids and transmucosal forms are left to the
# clinician: their doses are measured, not counted.
PLANNABLE_FORMS = ("tablet", "capsule", "patch")
PACES_PATH = Path(__file__).resolve().parent / "data" / "taper_paces.toml"

# The "12 mcg/h" fentanyl patch delivers 12.5 mcg/h (reference section 9: "12 (12.5)"); the
# engine's arithmetic counts it as 12.5 so that 37.5 + 12 is not mistaken for a smaller dose than
# 50, while what the patient reads and the MME it reports use the box's 12, as `taperwell mme`
# does (Medication.labels).
_DELIVERED: dict[tuple[str, str, Decimal], Decimal] = {
    ("fentanyl", "patch", Decimal(12)): Decimal("12.5"),
}


def delivered(drug: str, form: str, strength: Decimal) -> Decimal:
    return _DELIVERED.get((drug, form, strength), strength)


def _counted_total(drug: str, product: Product, amount: Decimal) -> Decimal:
    """A dose written with box strengths (25 + 12 = 37 mcg/h) as the engine counts it (37.5).

    The fewest relabelled units that make the amount whole in counted strengths; the amount
    itself when nothing is relabelled or no such count exists.
    """
    pairs = [
        (delivered(drug, product.form, s), s)
        for s in product.strengths
        if delivered(drug, product.form, s) != s
    ]
    if not pairs:
        return amount
    counted = sorted({delivered(drug, product.form, s) for s in product.strengths})
    (real, label), *_ = pairs
    for n in range(0, 25):
        if n * label > amount:
            break
        total = amount + n * (real - label)
        rest = total - n * real
        if _makeable(rest, counted):
            return total
    return amount


def _makeable(amount: Decimal, strengths: Sequence[Decimal]) -> bool:
    reachable = {Decimal(0)}
    for _ in range(12):
        reachable |= {a + s for a in reachable for s in strengths if a + s <= amount}
        if amount in reachable:
            return True
    return amount in reachable


def _plannable(
    drug: Drug, *, release: str | None, form: str | None, unit: str | None, combination: str | None
) -> list[Product]:
    unit_n = normalise_unit(unit) if unit else None
    return [
        p
        for p in drug.products
        if (release is None or p.release == release.upper())
        and (form is None or p.form == form)
        and (unit_n is None or p.unit == unit_n)
        and p.form in PLANNABLE_FORMS
        and same_partner(p.combination, combination)
    ]


def _product(
    drug: Drug,
    *,
    release: str | None,
    form: str | None,
    unit: str | None,
    combination: str | None = None,
) -> Product:
    matches = _plannable(drug, release=release, form=form, unit=unit, combination=combination)
    if not matches and combination is None:
        # A generic name for a drug sold only with a partner (e.g. dihydrocodeine).
        matches = [
            p
            for p in drug.products
            if p.combination is not None
            and p in _plannable_any(drug, release=release, form=form, unit=unit)
        ]
    if not matches:
        wanted = " ".join(x for x in (release, form, unit) if x) or "tablet, capsule or patch"
        partner = f" with {combination}" if combination else ""
        raise TaperError(
            f"{drug.name}: no {wanted} product{partner} to plan with (the engine plans tablets, "
            "capsules and patches)"
        )
    releases = {p.release for p in matches}
    if release is None and len(releases) > 1:
        raise TaperError(
            f"{drug.name} is sold as immediate-release (IR) and extended-release (ER): give its "
            'release, "IR" or "ER", or the brand name, so the plan keeps the product taken'
        )
    matches.sort(key=lambda p: PLANNABLE_FORMS.index(p.form))
    return matches[0]


def _plannable_any(
    drug: Drug, *, release: str | None, form: str | None, unit: str | None
) -> list[Product]:
    unit_n = normalise_unit(unit) if unit else None
    return [
        p
        for p in drug.products
        if (release is None or p.release == release.upper())
        and (form is None or p.form == form)
        and (unit_n is None or p.unit == unit_n)
        and p.form in PLANNABLE_FORMS
    ]


def _added_products(drug: Drug, product: Product) -> tuple[AddedProduct, ...]:
    """Same-drug products the engine may add, mg for mg: IR tablets, then oral solution.

    Never for a patch (fentanyl has no oral form for chronic pain) or a combination product
    (that would change the partner's dose too).
    """
    if product.form == "patch" or product.combination is not None:
        return ()
    added: list[AddedProduct] = []
    for other in drug.products:
        if other is product or other.combination is not None:
            continue
        if other.form == "tablet" and other.release == "IR" and product.unit == other.unit:
            added.append(
                AddedProduct(
                    release="IR",
                    form="tablet",
                    unit=other.unit,
                    strengths=other.strengths,
                    scored=other.scored if other.splittable else (),
                )
            )
        elif other.form == "solution" and other.unit == "mg/mL" and product.unit == "mg":
            concentration = min(other.strengths)
            added.append(
                AddedProduct(
                    release="IR",
                    form="solution",
                    unit="mg/mL",
                    strengths=(concentration * SOLUTION_MEASURE_ML,),
                    concentration=concentration,
                    measure_ml=SOLUTION_MEASURE_ML,
                )
            )
    return tuple(added)


def medication_from_formulary(
    drug_name: str,
    *,
    doses: Sequence[tuple[str, Decimal]],
    release: str | None = None,
    form: str | None = None,
    unit: str | None = None,
    strengths: Sequence[Decimal] | None = None,
    pack: GuidelinePack | None = None,
    formulary: Formulary | None = None,
    as_needed: bool = False,
) -> Medication:
    """A regimen entry from the formulary; `strengths` overrides what the pharmacy stocks.

    A brand name fixes the release, form and combination partner ("OxyContin" is oxycodone ER
    tablets; "Norco" hydrocodone IR with acetaminophen 325 mg). A drug sold in both releases
    needs its release (or a brand); the engine never picks one for the patient.
    """
    formulary = load_formulary() if formulary is None else formulary
    pack = load_pack() if pack is None else pack
    resolved = resolve_name(drug_name, formulary)
    if resolved is None:
        raise TaperError(f"unknown medicine {drug_name!r}")
    drug = resolved.drug
    if not drug.is_opioid:
        raise TaperError(f"{drug.name} is not an opioid; the taper engine plans opioids")
    if resolved.release is not None:
        if release is not None and release.upper() != resolved.release:
            raise TaperError(
                f"{resolved.brand} is {drug.name} {resolved.release}, not {release.upper()}"
            )
        if form is not None and resolved.form is not None and form != resolved.form:
            raise TaperError(f"{resolved.brand} is a {resolved.form}, not a {form}")
        release = resolved.release
        form = form or resolved.form
    try:
        product = _product(
            drug, release=release, form=form, unit=unit, combination=resolved.combination
        )
    except DoseError as error:
        raise TaperError(str(error)) from error
    listed = tuple(product.strengths) if strengths is None else tuple(strengths)
    if strengths is not None:
        unknown = [s for s in strengths if s not in product.strengths]
        if unknown or not strengths:
            sold = ", ".join(str(s) for s in product.strengths)
            raise TaperError(
                f"{drug.name} {product.release} {product.form}: available strengths must be "
                f"among those sold ({sold} {product.unit})"
            )
    real = tuple(sorted({delivered(drug.name, product.form, s) for s in listed}))
    counted_doses = [(t, _counted_total(drug.name, product, a)) for t, a in doses]
    daily = sum((a for _, a in counted_doses), Decimal(0))
    try:
        factor = mme_factor(drug, form=product.form, daily_dose=daily, pack=pack, unit=product.unit)
    except NoFactor as error:
        raise TaperError(
            f"{drug.name} has no MME factor in {pack.id} ({error.reason}); plan its taper "
            "with the prescriber directly"
        ) from error
    return Medication(
        drug=drug.name,
        release="ER" if product.release == "ER" else "IR",
        form=product.form,
        unit=product.unit,
        doses=tuple(counted_doses),
        strengths=real,
        factor=factor.value,
        scored=tuple(delivered(drug.name, product.form, s) for s in product.scored),
        splittable=product.splittable,
        wear_hours=product.wear_hours,
        factor_source=factor.source,
        added=_added_products(drug, product) if strengths is None and not as_needed else (),
        combination=resolved.combination or product.combination,
        labels=tuple(
            (delivered(drug.name, product.form, s), s)
            for s in product.strengths
            if delivered(drug.name, product.form, s) != s
        ),
        as_needed=as_needed,
        written=tuple(
            (t, a) for (t, a), (_, c) in zip(doses, counted_doses, strict=True) if a != c
        ),
    )


def pack_mme(pack: GuidelinePack | None = None, formulary: Formulary | None = None) -> MmeFunction:
    """MME per day with the pack's factors, dose-dependent ones included (methadone, cdc-2016)."""
    pack = load_pack() if pack is None else pack
    formulary = load_formulary() if formulary is None else formulary

    def mme(medication: Medication, daily_dose: Decimal) -> Decimal:
        if daily_dose == 0:
            return Decimal(0)
        drug = formulary.get(medication.drug)
        factor = mme_factor(
            drug, form=medication.form, daily_dose=daily_dose, pack=pack, unit=medication.unit
        )
        return factor.value * daily_dose

    return mme


# ---------------------------------------------------------------------------------------------
# The pace menu a clinician picks from (reference section 3).


@dataclass(frozen=True)
class Pace:
    id: str
    label: str
    percent: Decimal
    percent_range: tuple[Decimal, Decimal]
    interval_days: int
    interval_range: tuple[int, int]
    of: str
    source: str
    note: str
    first_phase: bool = False
    rapid: bool = False


@functools.cache
def load_paces(path: Path = PACES_PATH) -> tuple[Pace, ...]:
    """The taper paces from the reference table, each with its source."""
    from taperwell.clinical.formulary import load_sources

    with path.open("rb") as handle:
        document = tomllib.load(handle, parse_float=Decimal)
    sources = load_sources()
    paces = []
    for raw in document.get("pace", []):
        pace = _pace(raw)
        for name in pace.source.split("; "):
            if name not in sources:
                raise TaperError(f"{path.name}: pace {pace.id} cites unknown source {name!r}")
        paces.append(pace)
    if not paces:
        raise TaperError(f"{path.name}: no [[pace]] entries")
    return tuple(paces)


def _pace(raw: Mapping[str, Any]) -> Pace:
    low, high = raw["percent_range"]
    short, long = raw["interval_range"]
    return Pace(
        id=str(raw["id"]),
        label=str(raw["label"]),
        percent=Decimal(raw["percent"]),
        percent_range=(Decimal(low), Decimal(high)),
        interval_days=int(raw["interval_days"]),
        interval_range=(int(short), int(long)),
        of=str(raw.get("of", "original")),
        source=str(raw["source"]),
        note=str(raw["note"]),
        first_phase=bool(raw.get("first_phase", False)),
        rapid=bool(raw.get("rapid", False)),
    )
