"""Writes to a patient's medicine list. Each change records who and when, and what it was."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from taperwell.access import role_of
from taperwell.clinical.dose_limits import load_dose_limits
from taperwell.clinical.formulary import Drug, load_formulary
from taperwell.clinical.mme import DoseError, MedicationDose, check_dose
from taperwell.clinical.review import dose_is_read
from taperwell.clinics.models import Role
from taperwell.medications.models import (
    DoseLog,
    DoseSlot,
    MedicationChange,
    MedicationChangeKind,
    MedicationStatus,
    NaloxonePlan,
    PatientMedication,
    RiskProfile,
)
from taperwell.medications.selectors import dose_of

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.patients.models import Patient

FIELDS = (
    "drug",
    "form",
    "release",
    "strength",
    "unit",
    "times",
    "as_needed",
    "max_prn_per_day",
    "directions",
    "started_on",
)


def _must_prescribe(user: User) -> None:
    if role_of(user) != Role.CLINICIAN:
        raise PermissionDenied("Only a clinician changes the medicine list.")


def _snapshot(med: PatientMedication) -> dict[str, Any]:
    data = model_to_dict(med, fields=[*FIELDS, "status", "stopped_on"])
    return {
        k: (str(v) if v is not None and not isinstance(v, list | bool | int) else v)
        for k, v in data.items()
    }


def _from_formulary(med: PatientMedication) -> None:
    drug = load_formulary().find(med.drug)
    if drug is None:
        raise ValidationError({"drug": f"{med.drug!r} is not in the formulary."})
    med.drug = drug.name
    med.rxcui = drug.rxcui
    _check_dose(med, drug)


def _check_dose(med: PatientMedication, drug: Drug) -> None:
    """Refuse what the clinical core refuses: a dose of 0, a unit the drug is not sold in, a
    patch rate above the plausible most, more doses a day than anyone takes."""
    most = load_dose_limits().doses_per_day_at_most
    if len(med.times or []) > most or (med.max_prn_per_day or 0) > most:
        raise ValidationError(f"More than {most} doses a day: give the doses taken in one day.")
    if not dose_is_read(drug):
        return
    try:
        dose = dose_of(med)
        if isinstance(dose, MedicationDose):
            check_dose(dose, drug)
    except DoseError as error:
        raise ValidationError(str(error)) from error


@transaction.atomic
def medication_add(*, patient: Patient, by: User, **fields: Any) -> PatientMedication:
    _must_prescribe(by)
    med = PatientMedication(patient=patient, created_by=by, updated_by=by, **fields)
    _from_formulary(med)
    med.full_clean()
    med.save()
    MedicationChange.objects.create(medication=med, kind=MedicationChangeKind.ADDED, by=by)
    return med


@transaction.atomic
def medication_update(
    *, medication: PatientMedication, by: User, reason: str = "", **fields: Any
) -> PatientMedication:
    _must_prescribe(by)
    if medication.status != MedicationStatus.ACTIVE:
        raise ValidationError("Only a medicine being taken can be changed.")
    before = _snapshot(medication)
    for key, value in fields.items():
        setattr(medication, key, value)
    _from_formulary(medication)
    medication.updated_by = by
    medication.full_clean()
    medication.save()
    MedicationChange.objects.create(
        medication=medication,
        kind=MedicationChangeKind.CHANGED,
        by=by,
        reason=reason,
        before=before,
    )
    return medication


@transaction.atomic
def medication_set_status(
    *,
    medication: PatientMedication,
    by: User,
    status: str,
    reason: str = "",
    on: date | None = None,
) -> PatientMedication:
    """Stop a medicine, or mark it entered in error. Never deleted."""
    _must_prescribe(by)
    if status not in (MedicationStatus.STOPPED, MedicationStatus.ENTERED_IN_ERROR):
        raise ValidationError("Choose stopped or entered in error.")
    if medication.status != MedicationStatus.ACTIVE:
        raise ValidationError("This medicine is already closed.")
    before = _snapshot(medication)
    medication.status = status
    if status == MedicationStatus.STOPPED:
        medication.stopped_on = on
    medication.updated_by = by
    medication.save(update_fields=["status", "stopped_on", "updated_by", "updated_at"])
    kind = (
        MedicationChangeKind.STOPPED
        if status == MedicationStatus.STOPPED
        else MedicationChangeKind.ENTERED_IN_ERROR
    )
    MedicationChange.objects.create(
        medication=medication, kind=kind, by=by, reason=reason, before=before
    )
    return medication


@transaction.atomic
def risk_profile_update(*, patient: Patient, by: User, **fields: Any) -> RiskProfile:
    if role_of(by) not in {Role.CLINICIAN, Role.BEHAVIOURAL_HEALTH}:
        raise PermissionDenied("Only clinicians record the risk history.")
    profile, _ = RiskProfile.objects.get_or_create(patient=patient)
    for key, value in fields.items():
        setattr(profile, key, value)
    profile.updated_by = by
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def naloxone_plan_save(
    *,
    patient: Patient,
    has_naloxone: bool | None,
    kept_where: str = "",
    expires_on: date | None = None,
    someone_knows: bool | None = None,
) -> NaloxonePlan:
    """The patient's own answers; one row per patient, replaced on each save."""
    plan = NaloxonePlan.objects.select_for_update().filter(patient=patient).first()
    plan = plan or NaloxonePlan(patient=patient)
    plan.has_naloxone = has_naloxone
    plan.kept_where = kept_where.strip()
    plan.expires_on = expires_on
    plan.someone_knows = someone_knows
    plan.full_clean()
    plan.save()
    return plan


# ---------------------------------------------------------------------------------------------
# The dose log: what the patient marked taken on a dose card. Never a judgement: nothing here
# reads an unmarked dose as missed.


class DoseNotOnRecordError(ValueError):
    """The time or as-needed line is not in today's dose of record (a page left open while the
    plan changed, or a forged form)."""


class DoseLogClosedError(ValueError):
    """A mark of an earlier day: the log can be changed for the day only."""


def _must_be_the_patient(patient: Patient, by: User) -> None:
    if role_of(by) != Role.PATIENT or by.pk != patient.user_id:
        raise PermissionDenied("Only the patient marks their own doses.")


def _clinic_day(patient: Patient, at: datetime) -> date:
    return at.astimezone(zoneinfo.ZoneInfo(patient.clinic.time_zone)).date()


@transaction.atomic
def doselog_record(
    *,
    patient: Patient,
    by: User,
    key: uuid.UUID,
    time: str = "",
    line: str = "",
    now: datetime | None = None,
) -> list[DoseLog]:
    """Mark the dose card of `time` ("08:00") taken, or one dose of the as-needed `line` (its
    `dose_cards.line_key`). Returns the rows of the mark.

    The day is the clinic's (its time zone) at `now`. What the card holds comes from that day's
    dose of record, never from the form. The same `key` twice records once; a time already
    marked that day keeps its first mark.
    """
    from taperwell.medications.dose_cards import as_needed_lines, line_key, scheduled_items
    from taperwell.medications.selectors import dose_of_record

    _must_be_the_patient(patient, by)
    if bool(time) == bool(line):
        raise DoseNotOnRecordError("Give either a time of day or an as-needed medicine.")
    repeat = list(DoseLog.objects.filter(patient=patient, idempotency_key=key))
    if repeat:
        return repeat
    now = now or timezone.now()
    day = _clinic_day(patient, now)
    record = dose_of_record(patient, on=day)
    rows: list[DoseLog] = []
    if time:
        items = scheduled_items(record).get(time)
        if not items:
            raise DoseNotOnRecordError(f"No dose at {time} in today's plan.")
        marked = set(
            DoseLog.objects.filter(
                patient=patient, day=day, time=time, undone_at__isnull=True
            ).values_list("line_key", flat=True)
        )
        slot = dose_slot_of(time)
        for item in items:
            if item.line_key in marked:
                continue
            rows.append(
                DoseLog(
                    patient=patient,
                    day=day,
                    slot=slot,
                    time=time,
                    line_key=item.line_key,
                    drug=item.drug,
                    product=item.product,
                    dose_text=item.dose_text,
                    amount=item.amount,
                    unit=item.unit,
                    taken_at=now,
                    idempotency_key=key,
                )
            )
    else:
        found = next((x for x in as_needed_lines(record) if line_key(x) == line), None)
        if found is None or found.as_needed_strength is None:
            raise DoseNotOnRecordError("That medicine is not an as-needed medicine today.")
        strength = found.as_needed_strength
        rows.append(
            DoseLog(
                patient=patient,
                day=day,
                slot=DoseSlot.AS_NEEDED,
                line_key=line,
                drug=found.drug,
                product=found.name,
                dose_text=f"{strength.normalize():f} {found.unit}",
                amount=strength,
                unit=found.unit,
                taken_at=now,
                idempotency_key=key,
            )
        )
    for row in rows:
        row.full_clean(exclude=["patient"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            DoseLog.objects.bulk_create(rows)
    except IntegrityError:
        # Two taps raced past the first look (two tabs, a resent form): the first one stands.
        return list(DoseLog.objects.filter(patient=patient, day=day, undone_at__isnull=True))
    return rows


def dose_slot_of(time: str) -> str:
    from taperwell.medications.dose_cards import slot_of

    return slot_of(time)


@transaction.atomic
def doselog_undo(
    *, patient: Patient, by: User, key: uuid.UUID, now: datetime | None = None
) -> list[DoseLog]:
    """Take back the mark made with `key` (kept, with `undone_at`). Only the day's own marks
    change; undoing twice changes nothing the second time."""
    _must_be_the_patient(patient, by)
    now = now or timezone.now()
    rows = list(
        DoseLog.objects.select_for_update().filter(
            patient=patient, idempotency_key=key, undone_at__isnull=True
        )
    )
    if any(row.day != _clinic_day(patient, now) for row in rows):
        raise DoseLogClosedError("Only today's marks can be changed.")
    for row in rows:
        row.undone_at = now
        row.save(update_fields=["undone_at"])
    return rows
