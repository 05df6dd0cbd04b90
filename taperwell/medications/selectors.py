"""Reads of a patient's medicines and their review by the clinical core."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from taperwell.clinical.formulary import load_formulary
from taperwell.clinical.mme import (
    DoseError,
    MedicationDose,
    NoFactor,
    calculate_mme,
    check_dose,
)
from taperwell.clinical.review import History, NaloxoneAdvice, Review, dose_is_read, review
from taperwell.medications.models import (
    MedicationStatus,
    NaloxonePlan,
    PatientMedication,
    RiskProfile,
)


def active_medications(patient: Any) -> list[PatientMedication]:
    return list(
        PatientMedication.objects.filter(patient=patient, status=MedicationStatus.ACTIVE).order_by(
            "drug", "created_at"
        )
    )


def medication_list(patient: Any) -> list[PatientMedication]:
    """Every row, stopped and entered-in-error included, with who changed it."""
    return list(
        PatientMedication.objects.filter(patient=patient)
        .select_related("created_by", "updated_by")
        .prefetch_related("changes__by")
        .order_by("status", "drug", "created_at")
    )


def dose_of(med: PatientMedication) -> MedicationDose | str:
    """A daily dose the MME tables understand, or the name alone when there is no schedule.

    As-needed doses count at their most per day, as the review should see the worst case.
    """
    if med.strength is None or not med.unit:
        return med.drug
    per_day = len(med.times or [])
    if med.as_needed:
        per_day = med.max_prn_per_day or 0
    unit = med.unit.strip()
    if unit in {"mcg/h", "mcg/hr"}:
        return MedicationDose.from_units(
            med.drug, strength=med.strength, unit=unit, form=med.form or None
        )
    if per_day == 0:
        return med.drug
    return MedicationDose(
        drug=med.drug,
        daily_dose=med.strength * per_day,
        unit=unit,
        form=med.form or None,
        release=med.release or None,
        units_per_day=Decimal(per_day),
    )


def mme_of(medications: list[PatientMedication], pack: Any) -> Decimal | None:
    """Total MME/day of the scheduled and as-needed opioids, or None if it cannot be counted."""
    formulary = load_formulary()
    doses = []
    for med in medications:
        drug = formulary.find(med.drug)
        if drug is None or not drug.is_opioid:
            continue
        dose = dose_of(med)
        if isinstance(dose, MedicationDose):
            doses.append(dose)
    if not doses:
        return Decimal(0)
    try:
        return calculate_mme(doses, pack, formulary=formulary).total_mme_per_day
    except (DoseError, NoFactor, KeyError, ValueError):
        return None


def medication_review(patient: Any, pack: Any, *, tapering: bool = False) -> Review:
    medications = active_medications(patient)
    profile = RiskProfile.objects.filter(patient=patient).first()
    history = History(tapering=tapering)
    ort = sex = None
    if profile is not None:
        history = History(
            overdose=profile.overdose,
            substance_use_disorder=profile.substance_use_disorder,
            sleep_apnea=profile.sleep_apnea,
            tapering=tapering,
        )
        if profile.ort_answers and profile.sex:
            ort, sex = profile.ort_answers, profile.sex
    entries: list[MedicationDose | str] = []
    problems: list[str] = []
    for med in medications:
        try:
            entry = dose_of(med)
            if isinstance(entry, MedicationDose):
                drug = load_formulary().get(entry.drug)
                if dose_is_read(drug):
                    check_dose(entry, drug)
        except (DoseError, KeyError) as error:
            # A row saved before the core refused such doses: show the problem, never a guess.
            problems.append(f"{med.label}: the dose cannot be used ({error}); not counted")
            entry = med.drug
        entries.append(entry)
    result = review(entries, pack, history=history, ort_answers=ort, sex=sex)
    return replace(result, warnings=(*problems, *result.warnings)) if problems else result


def naloxone_plan_of(patient: Any) -> NaloxonePlan | None:
    return NaloxonePlan.objects.filter(patient=patient).first()


def naloxone_expires_on(patient: Any) -> date | None:
    """The expiry of the naloxone the patient keeps at home (the reminder sweep reads this).

    None when there is no plan, no date, or the patient said they have none at home.
    """
    return naloxone_expiries([patient.pk]).get(patient.pk)


def naloxone_expiries(patient_ids: Iterable[int]) -> dict[int, date]:
    """`naloxone_expires_on` for many patients in one query."""
    rows = (
        NaloxonePlan.objects.filter(patient_id__in=list(patient_ids), expires_on__isnull=False)
        .exclude(has_naloxone=False)
        .values_list("patient_id", "expires_on")
    )
    return dict(rows)


def naloxone_advice(patient: Any, *, tapering: bool) -> NaloxoneAdvice | None:
    """The clinical core's naloxone advice with the clinic's pack, or None if it cannot review.

    A medicine list the core cannot read must not break the patient's page; the care team's
    review page shows the same problem in full.
    """
    from taperwell.tapering.engine import pack_for

    try:
        return medication_review(patient, pack_for(patient.clinic), tapering=tapering).naloxone
    except (ValueError, LookupError, KeyError):
        return None
