"""Writes of the care team's workspace: flags and their events, notes, encouragement.

Flags are raised idempotently (one per patient, rule and day). An urgent flag notifies the care
team through the job queue once the transaction commits.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from taperwell.access import role_of
from taperwell.care.models import (
    ClinicalNote,
    Encouragement,
    Flag,
    FlagEvent,
    FlagEventKind,
    FlagStatus,
    NoteStatus,
    Resolution,
    Severity,
)
from taperwell.clinics.models import CLINICAL_ROLES

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.patients.models import Patient

# Bump flags older than this are history, not news: a re-run never raises them again.
BUMP_LOOKBACK_DAYS = 7
# The rules look back at most 28 days (withdrawal that lasts after a step); 60 days of history
# covers that with room to spare, so a year of check-ins is not re-read on every check-in.
RULES_HISTORY_DAYS = 60


def _raise(
    *,
    patient: Patient,
    rule: str,
    severity: str,
    reason: str,
    action: str,
    day: date,
    step_date: date | None,
    source: str,
) -> tuple[Flag, bool]:
    existing = Flag.objects.filter(patient=patient, rule=rule, day=day).first()
    if existing is not None:
        return existing, False
    flag = Flag(
        patient=patient,
        rule=rule,
        severity=severity,
        reason=reason[:2000],
        action=action,
        day=day,
        step_date=step_date,
        source=source,
    )
    flag.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:  # raised at the same moment by another request
        return Flag.objects.get(patient=patient, rule=rule, day=day), False
    FlagEvent.objects.create(flag=flag, kind=FlagEventKind.RAISED, note=reason[:2000])
    if flag.severity == Severity.URGENT:
        from taperwell.care.tasks import notify_urgent_flag

        flag_id = flag.pk
        transaction.on_commit(lambda: notify_urgent_flag(flag_id))
    return flag, True


@transaction.atomic
def flag_raise(
    *,
    patient: Patient,
    rule: str,
    severity: str,
    reason: str,
    action: str,
    day: date,
    step_date: date | None = None,
    source: str,
) -> Flag:
    """Raise a flag, or return the one already raised for this patient, rule and day."""
    flag, _ = _raise(
        patient=patient,
        rule=rule,
        severity=severity,
        reason=reason,
        action=action,
        day=day,
        step_date=step_date,
        source=source,
    )
    return flag


def _must_be_clinical(user: User) -> None:
    if role_of(user) not in CLINICAL_ROLES:
        raise PermissionDenied("Only clinicians act on flags.")


@transaction.atomic
def flag_acknowledge(*, flag: Flag, by: User, note: str = "") -> Flag:
    """Seen and being handled. An urgent flag needs a note saying what is being done."""
    _must_be_clinical(by)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    note = note.strip()
    if flag.status != FlagStatus.OPEN:
        raise ValidationError("This flag has already been acknowledged.")
    if flag.severity == Severity.URGENT and not note:
        raise ValidationError({"note": "An urgent flag needs a note: say what you did or will do."})
    flag.status = FlagStatus.ACKNOWLEDGED
    flag.save(update_fields=["status"])
    FlagEvent.objects.create(flag=flag, kind=FlagEventKind.ACKNOWLEDGED, by=by, note=note)
    flag.notices.filter(read_at__isnull=True).update(read_at=timezone.now())
    return flag


@transaction.atomic
def flag_resolve(*, flag: Flag, by: User, resolution: str, note: str = "") -> Flag:
    """Closed with what was done. Urgent flags cannot be closed without a note."""
    _must_be_clinical(by)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    note = note.strip()
    if flag.status == FlagStatus.RESOLVED:
        raise ValidationError("This flag is already resolved.")
    if resolution not in Resolution.values:
        raise ValidationError({"resolution": "Choose what was done."})
    if flag.severity == Severity.URGENT and not note:
        raise ValidationError({"note": "An urgent flag needs a note: say what you did."})
    if resolution == Resolution.PAUSED and not _taper_is_paused(flag.patient):
        # Saying "paused" must never stand in for pausing: the taper would go on unseen.
        raise ValidationError(
            {"resolution": "The taper is not paused. Use “Pause the taper” on the flag first."}
        )
    flag.status = FlagStatus.RESOLVED
    flag.save(update_fields=["status"])
    FlagEvent.objects.create(
        flag=flag, kind=FlagEventKind.RESOLVED, by=by, note=note, resolution=resolution
    )
    flag.notices.filter(read_at__isnull=True).update(read_at=timezone.now())
    return flag


def _taper_is_paused(patient: Patient) -> bool:
    from taperwell.tapering.models import PlanStatus
    from taperwell.tapering.selectors import current_plan

    plan = current_plan(patient)
    return plan is not None and plan.status == PlanStatus.PAUSED


def bumps_evaluate(*, patient: Patient, today: date | None = None) -> list[Flag]:
    """Run the bump rules over the patient's history and store the flags not stored before.

    Only flags from the last week are stored, so old history never raises stale alarms.
    """
    from taperwell.checkins import selectors as checkins
    from taperwell.clinical.bumps import Baseline, find_bumps
    from taperwell.medications.selectors import active_medications
    from taperwell.patients.phase import checkin_every_days
    from taperwell.tapering.selectors import dose_change_dates
    from taperwell.tapering.services import local_today

    today = today or local_today(patient.clinic)
    baseline = checkins.baseline_for(patient) or Baseline()
    prn_planned = sum(m.max_prn_per_day or 0 for m in active_medications(patient) if m.as_needed)
    baseline = dataclasses.replace(baseline, prn_per_day=prn_planned)
    found = find_bumps(
        today=today,
        checkins=checkins.checkins_for_rules(
            patient, since=today - timedelta(days=RULES_HISTORY_DAYS), until=today
        ),
        baseline=baseline,
        dose_changes=dose_change_dates(patient),
        instruments=checkins.instruments_for_rules(patient, until=today),
        # The patient's own request already raised its flag when it was made.
        pause_requests=[],
        checkin_every_days=checkin_every_days(patient),
        enrolled_on=_enrolled_on(patient),
    )
    since = today - timedelta(days=BUMP_LOOKBACK_DAYS)
    raised = []
    with transaction.atomic():
        for bump in found:
            if bump.day < since:
                continue
            flag, created = _raise(
                patient=patient,
                rule=bump.rule,
                severity=bump.severity,
                reason=bump.reason,
                action=bump.action,
                day=bump.day,
                step_date=bump.step_date,
                source="bump-rules",
            )
            if created:
                raised.append(flag)
    return raised


def _enrolled_on(patient: Patient) -> date | None:
    """The clinic's calendar day the patient enrolled on: missed check-ins count from it."""
    import zoneinfo

    if patient.enrolled_at is None:
        return None
    return patient.enrolled_at.astimezone(zoneinfo.ZoneInfo(patient.clinic.time_zone)).date()


@transaction.atomic
def note_create(*, patient: Patient, author: User, body: str) -> ClinicalNote:
    _must_be_clinical(author)
    note = ClinicalNote(patient=patient, author=author, body=body.strip())
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def note_mark_entered_in_error(*, note: ClinicalNote, by: User, reason: str) -> ClinicalNote:
    """Notes are never deleted; the author (or another clinician) marks a wrong one, saying why."""
    _must_be_clinical(by)
    if not reason.strip():
        raise ValidationError("Say why the note is in error.")
    if note.status == NoteStatus.ENTERED_IN_ERROR:
        return note
    note.status = NoteStatus.ENTERED_IN_ERROR
    note.marked_in_error_by = by
    note.marked_in_error_at = timezone.now()
    note.error_reason = reason.strip()
    note.save(update_fields=["status", "marked_in_error_by", "marked_in_error_at", "error_reason"])
    return note


@transaction.atomic
def encouragement_send(*, patient: Patient, author: User, body: str) -> Encouragement:
    message = Encouragement(patient=patient, author=author, body=body.strip())
    message.full_clean()
    message.save()
    return message
