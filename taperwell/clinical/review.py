"""Medication review: interactions, naloxone, MME thresholds and ORT, under a guideline pack.

Interaction rules are class-based (any benzodiazepine with any opioid), may need three medicines
(opioid + benzodiazepine + carisoprodol), and each finding carries its rule id, severity, the
medicines involved, a summary, the action and its source. Daily maxima from the labels
(`data/dose_limits.toml`) are findings too: acetaminophen is added up across every combination
product and plain tablets. A medicine named without a dose that the formulary does not know is
listed as `unchecked` with close matches; a DOSED medicine it cannot name stops the review
(UnknownDrug), because its dose would silently drop out of the MME total.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from taperwell.clinical.dose_limits import DailyMaximum, load_dose_limits
from taperwell.clinical.formulary import Drug, Formulary, load_formulary
from taperwell.clinical.guidelines import (
    HISTORY_FLAGS,
    SEVERITIES,
    GuidelinePack,
    InteractionRule,
)
from taperwell.clinical.instruments import Score
from taperwell.clinical.instruments import score as score_instrument
from taperwell.clinical.mme import (
    MedicationDose,
    MmeResult,
    calculate_mme,
    check_dose,
    convert,
    json_number,
    normalise_unit,
    parse_combination,
)


@dataclass(frozen=True)
class History:
    """What the clinician has recorded about the patient (all default to no)."""

    overdose: bool = False
    substance_use_disorder: bool = False
    sleep_apnea: bool = False
    tapering: bool = False

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> History:
        unknown = sorted(set(values) - set(HISTORY_FLAGS))
        if unknown:
            raise ValueError(
                f"unknown history item(s) {', '.join(unknown)} (known: {', '.join(HISTORY_FLAGS)})"
            )
        for key, value in values.items():
            if not isinstance(value, bool):
                raise ValueError(f"history.{key} must be true or false")
        return cls(**values)

    def flag(self, name: str) -> bool:
        return bool(getattr(self, name))

    def flags(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self) if getattr(self, f.name))


@dataclass(frozen=True)
class Finding:
    id: str
    severity: str
    drugs: tuple[str, ...]
    summary: str
    action: str
    source: str
    also: tuple[str, ...] = ()
    note: str | None = None
    verify: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "drugs": list(self.drugs),
            "summary": self.summary,
            "action": self.action,
            "source": self.source,
            "also": list(self.also),
            "note": self.note,
            "verify": self.verify,
        }


@dataclass(frozen=True)
class NaloxoneReason:
    id: str
    reason: str
    source: str
    note: str | None = None
    verify: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reason": self.reason,
            "source": self.source,
            "note": self.note,
            "verify": self.verify,
        }


@dataclass(frozen=True)
class NaloxoneAdvice:
    recommended: bool
    reasons: tuple[NaloxoneReason, ...]
    on_medication_list: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "recommended": self.recommended,
            "reasons": [r.as_dict() for r in self.reasons],
            "on_medication_list": self.on_medication_list,
        }


@dataclass(frozen=True)
class CrossedThreshold:
    id: str
    at_least: Decimal
    action: str
    source: str
    jurisdiction: str
    effective: dt.date | None
    exempt: bool
    exempt_reason: str | None
    note: str | None
    verify: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "mme_per_day_at_least": json_number(self.at_least),
            "action": self.action,
            "source": self.source,
            "jurisdiction": self.jurisdiction,
            "effective": None if self.effective is None else self.effective.isoformat(),
            "exempt": self.exempt,
            "exempt_reason": self.exempt_reason,
            "note": self.note,
            "verify": self.verify,
        }


@dataclass(frozen=True)
class Unchecked:
    name: str
    suggestions: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"drug": self.name, "suggestions": list(self.suggestions)}


@dataclass(frozen=True)
class Review:
    guideline: str
    mme: MmeResult
    findings: tuple[Finding, ...]
    naloxone: NaloxoneAdvice
    thresholds: tuple[CrossedThreshold, ...]
    unchecked: tuple[Unchecked, ...]
    ort: Score | None
    warnings: tuple[str, ...]

    @property
    def total_mme_per_day(self) -> Decimal:
        return self.mme.total_mme_per_day

    def as_dict(self) -> dict[str, Any]:
        return {
            "guideline": self.guideline,
            "total_mme_per_day": json_number(self.total_mme_per_day),
            "mme": self.mme.as_dict(),
            "findings": [f.as_dict() for f in self.findings],
            "naloxone": self.naloxone.as_dict(),
            "thresholds": [t.as_dict() for t in self.thresholds],
            "unchecked": [u.as_dict() for u in self.unchecked],
            "ort": None if self.ort is None else self.ort.as_dict(),
            "warnings": list(self.warnings),
        }


def severity_rank(severity: str) -> int:
    """0 for the most severe (`contraindicated`)."""
    return SEVERITIES.index(severity)


def find_interactions(drugs: Iterable[Drug], pack: GuidelinePack) -> tuple[Finding, ...]:
    """Every interaction rule of the pack that the medicines fill, most severe first."""
    unique = {drug.name: drug for drug in drugs}
    findings = [
        finding
        for rule in pack.interactions
        if (finding := _apply_rule(rule, list(unique.values()))) is not None
    ]
    return tuple(sorted(findings, key=lambda f: (severity_rank(f.severity), f.id, f.drugs)))


def _apply_rule(rule: InteractionRule, drugs: list[Drug]) -> Finding | None:
    candidates = [
        sorted(d.name for d in drugs if slot.matches(d.name, d.classes)) for slot in rule.slots
    ]
    involved: list[set[str]] = [set() for _ in rule.slots]
    for combination in itertools.product(*candidates):
        if len(set(combination)) == len(combination):
            for index, name in enumerate(combination):
                involved[index].add(name)
    if not involved[0]:
        return None
    names = tuple(dict.fromkeys(name for group in involved for name in sorted(group)))
    return Finding(
        id=rule.id,
        severity=rule.severity,
        drugs=names,
        summary=rule.summary,
        action=rule.action,
        source=rule.source,
        also=rule.also,
        note=rule.note,
        verify=rule.verify,
    )


def naloxone_recommendation(
    drugs: Iterable[Drug],
    *,
    total_mme_per_day: Decimal,
    history: History,
    pack: GuidelinePack,
) -> NaloxoneAdvice:
    """Whether to offer naloxone, with every trigger that fired."""
    listed = list(drugs)
    classes = {c for d in listed for c in d.classes}
    on_opioid = "opioid" in classes
    reasons = []
    for trigger in pack.naloxone:
        if trigger.kind == "mme":
            fired = trigger.at_least is not None and total_mme_per_day >= trigger.at_least
        elif trigger.kind == "class":
            fired = on_opioid and not classes.isdisjoint(trigger.classes)
        else:
            fired = trigger.flag is not None and history.flag(trigger.flag)
        if fired:
            reasons.append(
                NaloxoneReason(
                    id=trigger.id,
                    reason=trigger.reason,
                    source=trigger.source,
                    note=trigger.note,
                    verify=trigger.verify,
                )
            )
    return NaloxoneAdvice(
        recommended=bool(reasons),
        reasons=tuple(reasons),
        on_medication_list="overdose-reversal" in classes,
    )


def thresholds_crossed(
    total_mme_per_day: Decimal, pack: GuidelinePack, history: History | None = None
) -> tuple[CrossedThreshold, ...]:
    """Every threshold of the pack (and its state overlay) at or below the MME total."""
    history = history or History()
    crossed = []
    for threshold in pack.thresholds:
        if total_mme_per_day < threshold.at_least:
            continue
        exempt = any(history.flag(flag) for flag in threshold.exempt_when)
        crossed.append(
            CrossedThreshold(
                id=threshold.id,
                at_least=threshold.at_least,
                action=threshold.action,
                source=threshold.source,
                jurisdiction=threshold.jurisdiction,
                effective=threshold.effective,
                exempt=exempt,
                exempt_reason=threshold.exempt_reason if exempt else None,
                note=threshold.note,
                verify=threshold.verify,
            )
        )
    # Lowest first; at equal levels the national rule comes before the state one (pack order).
    return tuple(sorted(crossed, key=lambda t: t.at_least))


def review(
    medications: Sequence[str | MedicationDose],
    pack: GuidelinePack,
    *,
    history: History | None = None,
    ort_answers: Sequence[int] | None = None,
    sex: str | None = None,
    formulary: Formulary | None = None,
) -> Review:
    """Review a medicine list: a name alone, or a MedicationDose when the dose is known.

    Doses go into the MME total and the daily maxima; every medicine goes into the interaction
    review. Unknown names without a dose are returned as `unchecked`; an unknown name with a dose
    raises UnknownDrug (a KeyError, with suggestions); bad doses raise DoseError (a ValueError).
    """
    formulary = formulary or load_formulary()
    history = history or History()
    known: dict[str, Drug] = {}
    doses: list[MedicationDose] = []
    all_doses: list[tuple[MedicationDose, Drug]] = []
    undosed_opioids: set[str] = set()
    unchecked: dict[str, Unchecked] = {}
    for medication in medications:
        if isinstance(medication, MedicationDose):
            drug = formulary.get(medication.drug)
            if dose_is_read(drug):
                check_dose(medication, drug)
            medication.combination_per_day()  # an unreadable combination raises DoseError
            all_doses.append((medication, drug))
            known[drug.name] = drug
            if drug.is_opioid:
                doses.append(medication)
            continue
        found = formulary.find(medication)
        if found is None:
            unchecked.setdefault(
                medication.strip().casefold(),
                Unchecked(
                    name=medication.strip(), suggestions=tuple(formulary.suggestions(medication))
                ),
            )
            continue
        known[found.name] = found
        if found.is_opioid:
            undosed_opioids.add(found.name)
    mme = calculate_mme(doses, pack, formulary=formulary)
    maxima, maxima_warnings = daily_maxima_exceeded(all_doses)
    dosed = {formulary.get(d.drug).name for d in doses}
    warnings = {
        f"{name}: no dose given; not counted in the MME total" for name in undosed_opioids - dosed
    }
    warnings.update(mme.warnings)
    warnings.update(maxima_warnings)
    if unchecked:
        warnings.add(
            "not in the formulary, so not checked for interactions: "
            + ", ".join(sorted((u.name for u in unchecked.values()), key=str.lower))
        )
    drugs = sorted(known.values(), key=lambda d: d.name)
    ort = None
    if ort_answers is not None:
        ort = score_instrument("ort", ort_answers, sex=sex)
    return Review(
        guideline=pack.label,
        mme=mme,
        findings=_most_severe_first([*find_interactions(drugs, pack), *maxima]),
        naloxone=naloxone_recommendation(
            drugs, total_mme_per_day=mme.total_mme_per_day, history=history, pack=pack
        ),
        thresholds=thresholds_crossed(mme.total_mme_per_day, pack, history),
        unchecked=tuple(sorted(unchecked.values(), key=lambda u: u.name.lower())),
        ort=ort,
        warnings=tuple(sorted(warnings)),
    )


def dose_is_read(drug: Drug) -> bool:
    """Whether the review uses this drug's dose (opioids for MME, drugs with a daily maximum).

    Other doses are not used, so a topical's "5 %" is never refused.
    """
    return drug.is_opioid or drug.name in {m.subject for m in load_dose_limits().maxima}


def _most_severe_first(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (severity_rank(f.severity), f.id, f.drugs)))


def daily_maxima_exceeded(
    doses: Sequence[tuple[MedicationDose, Drug]],
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """Findings for every label daily maximum the day's doses go above, and warnings.

    A drug's lines are added up (per release where the label gives one); an ingredient's total
    adds its plain doses and its share of every combination product. A line without a release
    counts toward each release's maximum of its drug, and only the highest one it passes is
    reported. A combination whose units a day are not known cannot be counted: a warning says so.
    """
    findings: list[Finding] = []
    warnings: list[str] = []
    limits = load_dose_limits()
    for maximum in limits.maxima:
        if maximum.ingredient is not None:
            total, involved, uncounted, implied = _ingredient_total(maximum.ingredient, doses)
            warnings.extend(
                f"{name}: no combination given; counted as {text} per tablet, as every "
                f"{name} product of that release in the formulary contains it (give "
                f'"combination" to confirm)'
                for name, text in implied
            )
            warnings.extend(
                f"{name}: the {maximum.ingredient} in its combination is not counted toward "
                f"the daily maximum; give strength and doses_per_day"
                for name in uncounted
            )
            if total > maximum.mg_per_day:
                findings.append(_maximum_finding(maximum, total, involved, release_guessed=False))
            continue
        total, involved, guessed = _drug_total(maximum, doses)
        if total <= maximum.mg_per_day:
            continue
        if guessed and _higher_maximum_passed(maximum, doses, limits.maxima):
            continue
        findings.append(_maximum_finding(maximum, total, involved, release_guessed=guessed))
    return tuple(findings), tuple(warnings)


def _ingredient_total(
    ingredient: str, doses: Sequence[tuple[MedicationDose, Drug]]
) -> tuple[Decimal, list[str], list[str], list[tuple[str, str]]]:
    """mg a day of `ingredient`, the drugs it came from, the drugs whose share could not be
    counted, and the (drug, combination) pairs taken from the formulary rather than the input."""
    total = Decimal(0)
    involved: list[str] = []
    uncounted: list[str] = []
    implied: list[tuple[str, str]] = []
    for dose, drug in doses:
        if drug.name == ingredient:
            total += convert(dose.daily_dose, normalise_unit(dose.unit), "mg")
            involved.append(drug.name)
            continue
        if dose.combination is None:
            combination = implied_combination(dose, drug)
            if combination is None or ingredient not in combination:
                continue
            dose = replace(dose, combination=combination)
            implied.append((drug.name, combination))
        per_day = dose.combination_per_day()
        if per_day is None:
            if any(name == ingredient for name, _ in _partners(dose)):
                uncounted.append(drug.name)
            continue
        for name, mg in per_day:
            if name == ingredient:
                total += mg
                involved.append(drug.name)
    return total, list(dict.fromkeys(involved)), list(dict.fromkeys(uncounted)), implied


def implied_combination(dose: MedicationDose, drug: Drug) -> str | None:
    """The combination every product of the drug matching the dose's form and release carries
    (hydrocodone IR: acetaminophen 325 mg), or None when the products differ or have none."""
    products = [
        p
        for p in drug.products
        if (dose.form is None or p.form == dose.form)
        and (dose.release is None or p.release == dose.release)
    ]
    combinations = {p.combination for p in products}
    if len(combinations) != 1:
        return None
    (combination,) = combinations
    if combination is None:
        return None
    try:
        parse_combination(combination)
    except ValueError:
        return None
    return combination


def _partners(dose: MedicationDose) -> tuple[tuple[str, Decimal], ...]:
    return parse_combination(dose.combination) if dose.combination else ()


def _drug_total(
    maximum: DailyMaximum, doses: Sequence[tuple[MedicationDose, Drug]]
) -> tuple[Decimal, list[str], bool]:
    """The drug's mg a day that count toward `maximum`, and whether a line had no release."""
    total = Decimal(0)
    guessed = False
    for dose, drug in doses:
        if drug.name != maximum.drug:
            continue
        if maximum.release is not None and dose.release not in (None, maximum.release):
            continue
        total += convert(dose.daily_dose, normalise_unit(dose.unit), "mg")
        guessed = guessed or (maximum.release is not None and dose.release is None)
    return total, [maximum.subject] if total else [], guessed


def _higher_maximum_passed(
    maximum: DailyMaximum,
    doses: Sequence[tuple[MedicationDose, Drug]],
    maxima: Sequence[DailyMaximum],
) -> bool:
    """Whether a higher maximum of the same drug is also passed (that one is reported)."""
    for other in maxima:
        if other.drug != maximum.drug or other.mg_per_day <= maximum.mg_per_day:
            continue
        if _drug_total(other, doses)[0] > other.mg_per_day:
            return True
    return False


def _maximum_finding(
    maximum: DailyMaximum, total: Decimal, involved: list[str], *, release_guessed: bool
) -> Finding:
    what = maximum.subject + (f" {maximum.release}" if maximum.release else "")
    summary = (
        f"{what}: {json_number(total)} mg a day, above the label maximum of "
        f"{json_number(maximum.mg_per_day)} mg a day."
    )
    if release_guessed:
        summary += f" The release was not given, so the {maximum.release} limit was used."
    return Finding(
        id=maximum.id,
        severity="major",
        drugs=tuple(involved),
        summary=summary,
        action=maximum.action,
        source=maximum.source,
        also=maximum.also,
        note=maximum.note,
        verify=maximum.verify,
    )
