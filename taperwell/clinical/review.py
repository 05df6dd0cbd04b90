"""Medication review: interactions, naloxone, MME thresholds and ORT, under a guideline pack.

Interaction rules are class-based (any benzodiazepine with any opioid), may need three medicines
(opioid + benzodiazepine + carisoprodol), and each finding carries its rule id, severity, the
medicines involved, a summary, the action and its source. Medicines the formulary does not know
are listed as `unchecked` with close matches; they are never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from taperwell.clinical.formulary import Drug, Formulary, load_formulary
from taperwell.clinical.guidelines import (
    HISTORY_FLAGS,
    SEVERITIES,
    GuidelinePack,
    InteractionRule,
)
from taperwell.clinical.instruments import Score
from taperwell.clinical.instruments import score as score_instrument
from taperwell.clinical.mme import MedicationDose, MmeResult, calculate_mme, json_number


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

    Doses go into the MME total; every medicine goes into the interaction review. Unknown names
    are returned as `unchecked`; bad doses raise DoseError (a ValueError).
    """
    formulary = formulary or load_formulary()
    history = history or History()
    known: dict[str, Drug] = {}
    doses: list[MedicationDose] = []
    undosed_opioids: set[str] = set()
    unchecked: dict[str, Unchecked] = {}
    for medication in medications:
        name = medication if isinstance(medication, str) else medication.drug
        drug = formulary.find(name)
        if drug is None:
            unchecked.setdefault(
                name.strip().casefold(),
                Unchecked(name=name.strip(), suggestions=tuple(formulary.suggestions(name))),
            )
            continue
        known[drug.name] = drug
        if isinstance(medication, MedicationDose):
            if drug.is_opioid:
                doses.append(medication)
        elif drug.is_opioid:
            undosed_opioids.add(drug.name)
    mme = calculate_mme(doses, pack, formulary=formulary)
    dosed = {formulary.get(d.drug).name for d in doses}
    warnings = {
        f"{name}: no dose given; not counted in the MME total" for name in undosed_opioids - dosed
    }
    warnings.update(mme.warnings)
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
        findings=find_interactions(drugs, pack),
        naloxone=naloxone_recommendation(
            drugs, total_mme_per_day=mme.total_mme_per_day, history=history, pack=pack
        ),
        thresholds=thresholds_crossed(mme.total_mme_per_day, pack, history),
        unchecked=tuple(sorted(unchecked.values(), key=lambda u: u.name.lower())),
        ort=ort,
        warnings=tuple(sorted(warnings)),
    )
