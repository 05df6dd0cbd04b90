"""Saving check-ins and questionnaires, and what must happen right after (safety, bump rules)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from taperwell.checkins import care_links
from taperwell.checkins.models import (
    CheckIn,
    EntryStatus,
    QuestionnaireResponse,
    TaperReasons,
)
from taperwell.checkins.selectors import clinic_today
from taperwell.clinical.instruments import get_instrument, score
from taperwell.goals.models import Activity
from taperwell.goals.services import activity_mark_done
from taperwell.patients.models import Patient

SUICIDE_RISK_FLAG = "suicide-risk"
CHECKIN_FIELDS = (
    "pain",
    "sleep",
    "mood",
    "withdrawal",
    "craving",
    "withdrawal_signs",
    "prn_doses",
    "self_harm_thoughts",
    "note",
    "activity_text",
)


@dataclass(frozen=True)
class Saved:
    entry: Any
    created: bool  # False when the same submission arrived twice, or the day's entry was replaced
    needs_crisis_help: bool


@transaction.atomic
def checkin_submit(
    *,
    patient: Patient,
    idempotency_key: uuid.UUID,
    activity: Activity | None = None,
    day: date | None = None,
    **values: Any,
) -> Saved:
    """Record today's check-in. The same submission twice records it once; a second check-in the
    same day replaces the first (the day keeps one current entry)."""
    day = day or clinic_today(patient.clinic)
    repeat = CheckIn.objects.filter(idempotency_key=idempotency_key, patient=patient).first()
    if repeat is not None:
        return Saved(repeat, created=False, needs_crisis_help=bool(repeat.self_harm_thoughts))
    unknown = set(values) - set(CHECKIN_FIELDS)
    if unknown:
        raise TypeError(f"unknown check-in fields: {', '.join(sorted(unknown))}")
    if activity is not None and activity.patient_id != patient.pk:
        raise ValueError("That activity belongs to someone else.")
    checkin = (
        CheckIn.objects.select_for_update()
        .filter(patient=patient, day=day, status=EntryStatus.CURRENT)
        .first()
    )
    created = checkin is None
    if checkin is None:
        checkin = CheckIn(patient=patient, day=day)
    for name, value in values.items():
        setattr(checkin, name, value)
    checkin.activity_done = activity
    checkin.idempotency_key = idempotency_key
    # The database settles uniqueness (and a race between two taps); fields are checked here.
    # The patient and activity were loaded and checked above, so their rows need no second look.
    checkin.full_clean(
        exclude=["patient", "activity_done"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        # Two taps raced past the first look: the other one won; show its entry.
        other = CheckIn.objects.get(patient=patient, day=day, status=EntryStatus.CURRENT)
        return Saved(other, created=False, needs_crisis_help=bool(other.self_harm_thoughts))
    if activity is not None:
        activity_mark_done(patient=patient, activity=activity, day=day)
    if checkin.self_harm_thoughts:
        care_links.raise_self_harm_flag(
            patient=patient,
            day=day,
            reason=f"answered yes to thoughts of self-harm on the check-in of {day:%-d %b}",
            source="check-in",
        )
    transaction.on_commit(lambda: care_links.evaluate_bumps_soon(patient=patient))
    return Saved(checkin, created=created, needs_crisis_help=bool(checkin.self_harm_thoughts))


@transaction.atomic
def checkin_mark_entered_in_error(*, patient: Patient, checkin: CheckIn) -> CheckIn:
    """A wrong entry stays in the record, marked so nothing counts it."""
    if checkin.patient_id != patient.pk:
        raise ValueError("That check-in belongs to someone else.")
    checkin.status = EntryStatus.ENTERED_IN_ERROR
    checkin.idempotency_key = None
    checkin.full_clean()
    checkin.save(update_fields=["status", "idempotency_key", "updated_at"])
    transaction.on_commit(lambda: care_links.evaluate_bumps_soon(patient=patient))
    return checkin


@transaction.atomic
def questionnaire_submit(
    *,
    patient: Patient,
    instrument: str,
    answers: list[int],
    idempotency_key: uuid.UUID,
    day: date | None = None,
) -> Saved:
    """Score and store one questionnaire, item by item, with the instrument's version.

    Raises `taperwell.clinical.instruments.InvalidAnswers` for answers that do not fit.
    """
    day = day or clinic_today(patient.clinic)
    repeat = QuestionnaireResponse.objects.filter(
        idempotency_key=idempotency_key, patient=patient
    ).first()
    if repeat is not None:
        return Saved(repeat, created=False, needs_crisis_help=SUICIDE_RISK_FLAG in repeat.flags)
    spec = get_instrument(instrument)
    result = score(spec.id, answers)
    earlier = (
        QuestionnaireResponse.objects.select_for_update()
        .filter(patient=patient, instrument=spec.id, day=day, status=EntryStatus.CURRENT)
        .first()
    )
    if earlier is not None:  # answered again the same day: the new answers replace the old
        earlier.status = EntryStatus.ENTERED_IN_ERROR
        earlier.save(update_fields=["status"])
    response = QuestionnaireResponse(
        patient=patient,
        instrument=spec.id,
        instrument_version=spec.version,
        day=day,
        answers=[int(a) for a in answers],
        total=Decimal(result.total),
        band=result.band or "",
        flags=list(result.flags),
        idempotency_key=idempotency_key,
    )
    response.full_clean(validate_unique=False, validate_constraints=False)
    response.save()
    crisis = SUICIDE_RISK_FLAG in result.flags
    if crisis:
        care_links.raise_self_harm_flag(
            patient=patient,
            day=day,
            reason=(
                f"PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered "
                f"{answers[8]} on {day:%-d %b}"
            ),
            source="questionnaire",
        )
    transaction.on_commit(lambda: care_links.evaluate_bumps_soon(patient=patient))
    return Saved(response, created=True, needs_crisis_help=crisis)


@transaction.atomic
def taper_reasons_save(*, patient: Patient, reasons: str) -> TaperReasons:
    record = TaperReasons.objects.filter(patient=patient).first() or TaperReasons(patient=patient)
    record.reasons = reasons.strip()
    record.full_clean()
    record.save()
    return record
