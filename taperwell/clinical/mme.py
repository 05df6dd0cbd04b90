"""Morphine milligram equivalents (MME) per day, under a chosen guideline pack.

MME/day = sum of (total daily dose x conversion factor); transdermal doses are the patch rate in
mcg/h. MME is for risk screening and taper arithmetic only, never for converting a patient from
one opioid to another (the pack's `caution`).

Dose-tiered factors (methadone under CDC-2016) take the tier of the day's total of that drug, not
of each line. Implausible doses are refused with DoseError: a dose of 0, a unit the drug is not
sold in (10 mcg of oxycodone), a patch rate above the ceiling in `data/dose_limits.toml`, or more
doses a day than it allows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from taperwell.clinical.dose_limits import load_dose_limits
from taperwell.clinical.formulary import Drug, Formulary, load_formulary
from taperwell.clinical.guidelines import FactorRule, GuidelinePack

RATE_UNITS = frozenset({"mcg/h"})
_UNIT_ALIASES = {
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "mcg": "mcg",
    "µg": "mcg",
    "ug": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "mcg/h": "mcg/h",
    "mcg/hr": "mcg/h",
    "mcg/hour": "mcg/h",
    "µg/h": "mcg/h",
    "ug/h": "mcg/h",
}
# How many of the unit on the right make one of the unit on the left.
_CONVERSIONS = {("mg", "mcg"): Decimal("0.001"), ("mcg", "mg"): Decimal(1000)}


class DoseError(ValueError):
    """A dose that cannot be used: bad number, unknown unit, or a form the drug does not have."""


class NoFactor(LookupError):  # noqa: N818 - name fixed by the shared API
    """The pack has no clinical conversion factor for this drug (e.g. buprenorphine)."""

    def __init__(self, drug: str, reason: str, source: str) -> None:
        super().__init__(f"{drug}: {reason}")
        self.drug = drug
        self.reason = reason
        self.source = source


@dataclass(frozen=True)
class Factor:
    """A conversion factor as applied: the number, where it comes from, and its caveats."""

    value: Decimal
    source: str
    analytic: bool
    note: str | None
    unit: str = "mg"
    verify: str | None = None


_COMBINATION_PART = re.compile(r"^\s*([A-Za-z][A-Za-z -]*?)\s+(\d+(?:\.\d+)?)\s*mg\s*$")


def parse_combination(text: str) -> tuple[tuple[str, Decimal], ...]:
    """`"acetaminophen 325 mg"` (or several, comma-separated) as ((name, mg per unit), ...).

    Names are checked against the formulary (its generic names and aliases) and returned as
    generic names. Raises DoseError for anything else.
    """
    formulary = load_formulary()
    parts = []
    for part in text.split(","):
        match = _COMBINATION_PART.match(part)
        if match is None:
            raise DoseError(
                f"combination {text!r} not understood: write it as the partner and its mg per "
                'tablet, e.g. "acetaminophen 325 mg"'
            )
        drug = formulary.find(match.group(1))
        if drug is None:
            raise DoseError(f"combination {text!r}: {match.group(1)!r} is not in the formulary")
        amount = Decimal(match.group(2))  # the pattern allows digits and one point only
        if amount <= 0:
            raise DoseError(f"combination {text!r}: the amount must be more than 0")
        parts.append((drug.name, amount))
    return tuple(parts)


@dataclass(frozen=True)
class MedicationDose:
    """One medicine's total daily dose (mg/day, mcg/day for transmucosal, mcg/h for patches).

    `combination` names a partner in the same tablet (`"acetaminophen 325 mg"`); with
    `units_per_day` (set by `from_units`) the review counts the partner toward its daily maximum.
    """

    drug: str
    daily_dose: Decimal
    unit: str
    form: str | None = None
    release: str | None = None
    combination: str | None = None
    units_per_day: Decimal | None = None

    def combination_per_day(self) -> tuple[tuple[str, Decimal], ...] | None:
        """Each combination partner's mg a day, or None when the units a day are not known."""
        if self.combination is None or self.units_per_day is None:
            return None
        return tuple(
            (name, mg * self.units_per_day) for name, mg in parse_combination(self.combination)
        )

    @classmethod
    def from_units(
        cls,
        drug: str,
        *,
        strength: Decimal | int | str,
        unit: str,
        units_per_dose: Decimal | int | str = 1,
        doses_per_day: Decimal | int | str | None = None,
        form: str | None = None,
        release: str | None = None,
        combination: str | None = None,
    ) -> MedicationDose:
        """strength x units per dose x doses per day; for patches, rate x patches worn at once."""
        strength_d = _positive(strength, "strength")
        units = _positive(units_per_dose, "units_per_dose")
        normal = normalise_unit(unit)
        if combination is not None:
            parse_combination(combination)
        if normal in RATE_UNITS:
            if doses_per_day is not None:
                raise DoseError(
                    "a patch dose is its rate: give units_per_dose (patches worn at once), "
                    "not doses_per_day"
                )
            return cls(drug, strength_d * units, normal, form, release, combination)
        if doses_per_day is None:
            raise DoseError("doses_per_day is required with strength")
        per_day = _positive(doses_per_day, "doses_per_day")
        most = load_dose_limits().doses_per_day_at_most
        if per_day > most:
            raise DoseError(
                f"{per_day} doses a day is more than {most}: give the doses taken in one day"
            )
        return cls(
            drug, strength_d * units * per_day, normal, form, release, combination, units * per_day
        )


@dataclass(frozen=True)
class MedicationMme:
    drug: str
    given_name: str
    form: str | None
    daily_dose: Decimal
    unit: str
    factor: Factor
    mme_per_day: Decimal

    @property
    def conversion_factor(self) -> Decimal:
        return self.factor.value

    def as_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "form": self.form,
            "daily_dose": json_number(self.daily_dose),
            "unit": self.unit,
            "conversion_factor": json_number(self.factor.value),
            "factor_unit": self.factor.unit,
            "mme_per_day": json_number(self.mme_per_day),
            "source": self.factor.source,
            "analytic": self.factor.analytic,
            "note": self.factor.note,
            "verify": self.factor.verify,
        }


@dataclass(frozen=True)
class ExcludedMedication:
    drug: str
    reason: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"drug": self.drug, "reason": self.reason, "source": self.source}


@dataclass(frozen=True)
class MmeResult:
    guideline: str
    total_mme_per_day: Decimal
    medications: tuple[MedicationMme, ...]
    excluded: tuple[ExcludedMedication, ...]
    warnings: tuple[str, ...]
    caution: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "guideline": self.guideline,
            "total_mme_per_day": json_number(self.total_mme_per_day),
            "medications": [m.as_dict() for m in self.medications],
            "excluded": [e.as_dict() for e in self.excluded],
            "warnings": list(self.warnings),
            "caution": self.caution,
        }


def json_number(value: Decimal) -> int | float:
    """A Decimal as a plain JSON number: an int when whole, else a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def normalise_unit(unit: str) -> str:
    normal = _UNIT_ALIASES.get(unit.strip().lower().replace(" ", ""))
    if normal is None:
        raise DoseError(f"unknown dose unit {unit!r} (use mg, mcg or mcg/h)")
    return normal


def convert(amount: Decimal, unit: str, to: str) -> Decimal:
    """`amount` in `unit` expressed in `to` (mg and mcg convert; a rate does not)."""
    if unit == to:
        return amount
    ratio = _CONVERSIONS.get((to, unit))
    if ratio is None:
        raise DoseError(f"a dose in {unit} cannot be used where {to} is expected")
    return amount * ratio


def mme_factor(
    drug: Drug,
    *,
    form: str | None,
    daily_dose: Decimal,
    pack: GuidelinePack,
    unit: str | None = None,
) -> Factor:
    """The pack's factor for `drug` at `daily_dose` (in the factor's unit).

    Raises NoFactor when the pack has no factor for the drug, DoseError when the form is unknown
    or cannot be told (fentanyl without a form, unless `unit` is a patch rate).
    """
    rule = _factor_rule(drug, form=form, pack=pack, unit=unit)
    if rule.tiered:
        value = next(t.factor for t in rule.tiers if t.up_to is None or daily_dose <= t.up_to)
    elif rule.factor is not None:
        value = rule.factor
    else:  # pragma: no cover - the loader requires a factor or tiers
        raise NoFactor(drug.name, "factor entry without a value", rule.source)
    return Factor(
        value=value,
        source=rule.source,
        analytic=rule.analytic,
        note=rule.note,
        unit=rule.unit,
        verify=rule.verify,
    )


def _factor_rule(
    drug: Drug, *, form: str | None, pack: GuidelinePack, unit: str | None
) -> FactorRule:
    if form is not None and form not in drug.forms:
        known = ", ".join(drug.forms) or "none"
        raise DoseError(f"{drug.name} has no form {form!r} (known forms: {known})")
    rules = pack.factor_rules(drug.name)
    if not rules:
        excluded = pack.exclusion(drug.name)
        if excluded is not None:
            raise NoFactor(drug.name, excluded.reason, excluded.source)
        if not drug.is_opioid:
            raise NoFactor(drug.name, "not an opioid; not counted in MME", pack.source)
        raise NoFactor(drug.name, f"no MME factor in {pack.id}; not counted in MME", pack.source)
    if form is None and unit is not None:
        by_unit = [r for r in rules if r.unit == normalise_unit(unit) and r.forms]
        if len(by_unit) == 1 and not any(r.forms is None for r in rules):
            return by_unit[0]
    for rule in rules:
        if form is not None and rule.forms is not None and form in rule.forms:
            return rule
    generic = [r for r in rules if r.forms is None]
    if generic:
        return generic[0]
    if form is None:
        forms = sorted({f for r in rules for f in r.forms or ()})
        raise DoseError(f"{drug.name}: give the form ({', '.join(forms)}) to choose its factor")
    raise NoFactor(
        drug.name, f"no MME factor for {drug.name} {form} in {pack.id}; not counted", pack.source
    )


def check_dose(dose: MedicationDose, drug: Drug) -> str:
    """Refuse a dose no one takes; return its normalised unit. Raises DoseError.

    A dose of 0 or less, a unit the drug is not sold in (10 "mcg" of an oral opioid sold in mg:
    a thousandfold slip), and a patch rate above the data's ceiling are refused.
    """
    if dose.daily_dose <= 0:
        raise DoseError(
            f"{dose.drug}: the daily dose must be more than 0, got {_plain(dose.daily_dose)}"
        )
    unit = normalise_unit(dose.unit)
    sold = _units_sold(drug, dose.form)
    if sold and unit not in sold:
        raise DoseError(
            f"{drug.name} is dosed in {' or '.join(sorted(sold))}, not {unit}: "
            f"check the unit ({_plain(dose.daily_dose)} {unit} is probably a slip)"
        )
    form = dose.form or ("patch" if unit in RATE_UNITS and "patch" in drug.forms else None)
    ceiling = load_dose_limits().ceiling(drug.name, form, unit)
    if ceiling is not None and dose.daily_dose > ceiling.at_most:
        raise DoseError(
            f"{drug.name} {form} at {_plain(dose.daily_dose)} {unit} is above the plausible most "
            f"of {_plain(ceiling.at_most)} {unit}: check the rate (mcg per hour, not per day)"
        )
    return unit


def _units_sold(drug: Drug, form: str | None) -> set[str]:
    """The dose units a drug's products are taken in (solutions are dosed in mg)."""
    units = set()
    for product in drug.products:
        if form is not None and product.form != form:
            continue
        units.add("mg" if product.unit in {"mg/mL", "mg/5 mL"} else product.unit)
    return units & {"mg", "mcg", "mcg/h"}


def calculate_mme(
    doses: Sequence[MedicationDose],
    pack: GuidelinePack,
    *,
    formulary: Formulary | None = None,
) -> MmeResult:
    """MME/day per medication and in total. An unknown drug raises UnknownDrug (a KeyError).

    A dose-tiered factor takes the tier of the day's total of that drug (all its lines under the
    same unit), so two lines of methadone 15 mg are counted as 30 mg a day.
    """
    formulary = formulary or load_formulary()
    excluded: list[ExcludedMedication] = []
    warnings: list[str] = []
    counted: list[tuple[MedicationDose, Drug, str | None, FactorRule, Decimal]] = []
    for dose in doses:
        drug = formulary.get(dose.drug)
        if dose.daily_dose <= 0:
            raise DoseError(
                f"{dose.drug}: the daily dose must be more than 0, got {_plain(dose.daily_dose)}"
            )
        unit = normalise_unit(dose.unit)
        form = dose.form
        if form is None and unit in RATE_UNITS and "patch" in drug.forms:
            form = "patch"
        if form is not None and form not in drug.forms:
            known = ", ".join(drug.forms) or "none"
            raise DoseError(f"{drug.name} has no form {form!r} (known forms: {known})")
        try:
            rule = _factor_rule(drug, form=form, pack=pack, unit=unit)
        except NoFactor as no_factor:
            check_dose(dose, drug)
            excluded.append(ExcludedMedication(drug.name, no_factor.reason, no_factor.source))
            continue
        if unit != rule.unit:
            raise DoseError(
                f"{drug.name}{' ' + form if form else ''} is dosed in {rule.unit}, not {unit}: "
                f"check the unit ({_plain(dose.daily_dose)} {unit} is probably a slip)"
            )
        check_dose(dose, drug)
        counted.append((dose, drug, form, rule, dose.daily_dose))
    # The day's total of each drug (in its factor's unit): a tiered factor is chosen by it.
    day_totals: dict[tuple[str, str], Decimal] = {}
    for _dose, drug, _form, rule, amount in counted:
        key = (drug.name, rule.unit)
        day_totals[key] = day_totals.get(key, Decimal(0)) + amount
    medications: list[MedicationMme] = []
    for dose, drug, form, rule, amount in counted:
        day_total = day_totals[(drug.name, rule.unit)]
        factor = mme_factor(drug, form=form, daily_dose=day_total, pack=pack, unit=dose.unit)
        medications.append(
            MedicationMme(
                drug=drug.name,
                given_name=dose.drug,
                form=form,
                daily_dose=amount,
                unit=rule.unit,
                factor=factor,
                mme_per_day=amount * factor.value,
            )
        )
        if rule.tiered and day_total != amount:
            warnings.append(
                f"{drug.name}: factor {factor.value} is the tier of the day's total "
                f"({_plain(day_total)} {rule.unit}), not of this line alone"
            )
        if factor.analytic:
            warnings.append(
                f"{drug.name}: factor {factor.value} is an analytic factor ({factor.source}), "
                "meant for research, not clinical decisions"
            )
        if factor.verify:
            warnings.append(f"{drug.name}: verify: {factor.verify}")
    total = sum((m.mme_per_day for m in medications), Decimal(0))
    return MmeResult(
        guideline=pack.label,
        total_mme_per_day=total,
        medications=tuple(medications),
        excluded=tuple(excluded),
        warnings=tuple(dict.fromkeys(warnings)),
        caution=pack.caution,
    )


def _plain(number: Decimal) -> str:
    """A Decimal as people write it: 10 rather than 10.000."""
    return f"{number.normalize():f}" if number == number.to_integral_value() else f"{number:f}"


def _positive(value: Decimal | int | str, name: str) -> Decimal:
    try:
        number = Decimal(value)
    except (ArithmeticError, ValueError, TypeError) as error:
        raise DoseError(f"{name} must be a number, got {value!r}") from error
    if not number.is_finite() or number <= 0:
        raise DoseError(f"{name} must be a positive number, got {value!r}")
    return number
