"""Writes for the skills app: logging a practice, saving the flare plan."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from taperwell.clinics.selectors import clinic_today
from taperwell.patients.models import Patient
from taperwell.skills.models import FLARE_PLAN_FIELDS, FlarePlan, PracticeSession
from taperwell.skills.practices import Practice


@transaction.atomic
def practice_session_log(
    *,
    patient: Patient,
    practice: Practice,
    minutes: int,
    pain_before: int | None = None,
    pain_after: int | None = None,
    distress_before: int | None = None,
    distress_after: int | None = None,
    day: date | None = None,
) -> PracticeSession:
    session = PracticeSession(
        patient=patient,
        practice_slug=practice.slug,
        practice_title=practice.title[:160],
        day=day or clinic_today(patient.clinic),
        minutes=minutes,
        pain_before=pain_before,
        pain_after=pain_after,
        distress_before=distress_before,
        distress_after=distress_after,
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def flare_plan_save(*, patient: Patient, **fields: str) -> FlarePlan:
    unknown = set(fields) - set(FLARE_PLAN_FIELDS)
    if unknown:
        raise TypeError(f"flare_plan_save() got unknown fields {sorted(unknown)}")
    plan = FlarePlan.objects.select_for_update().filter(patient=patient).first()
    plan = plan or FlarePlan(patient=patient)
    for name, value in fields.items():
        setattr(plan, name, value.strip())
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def practice_session_mark_entered_in_error(
    *, patient: Patient, session: PracticeSession, reason: str
) -> PracticeSession:
    """A practice logged by mistake stays in the record, no longer counted, with the why."""
    from django.core.exceptions import ValidationError

    from taperwell.skills.models import SessionStatus

    if session.patient_id != patient.pk:
        raise ValueError("That entry belongs to someone else.")
    if not reason.strip():
        raise ValidationError("Say what was wrong with it.")
    session.status = SessionStatus.ENTERED_IN_ERROR
    session.error_reason = reason.strip()[:500]
    session.save(update_fields=["status", "error_reason"])
    return session
