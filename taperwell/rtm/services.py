"""Writes: care-team time on a patient, and marking an entry entered in error."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from taperwell.access import role_of
from taperwell.clinics.models import CLINICAL_ROLES
from taperwell.rtm.models import CareTimeEntry, EntryStatus

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.patients.models import Patient

# Clinicians and behavioral-health clinicians manage the treatment and log their time.
LOGGING_ROLES = CLINICAL_ROLES


def _must_log(user: User) -> None:
    if role_of(user) not in LOGGING_ROLES:
        raise PermissionDenied("Only clinicians log care time.")


@transaction.atomic
def care_time_create(
    *,
    patient: Patient,
    by: User,
    kind: str,
    on: date,
    minutes: int,
    what: str,
    today: date,
    timed: bool = False,
) -> CareTimeEntry:
    _must_log(by)
    if on > today:
        raise ValidationError({"on": "The date cannot be in the future."})
    entry = CareTimeEntry(
        patient=patient, by=by, kind=kind, on=on, minutes=minutes, what=what.strip(), timed=timed
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def care_time_mark_entered_in_error(
    *, entry: CareTimeEntry, by: User, reason: str
) -> CareTimeEntry:
    """Kept, struck through, no longer counted; with who, when and why."""
    _must_log(by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this entry is in error."})
    if entry.status == EntryStatus.ENTERED_IN_ERROR:
        return entry
    entry.status = EntryStatus.ENTERED_IN_ERROR
    entry.error_reason = reason.strip()[:500]
    entry.marked_in_error_by = by
    entry.marked_in_error_at = timezone.now()
    entry.save(update_fields=["status", "error_reason", "marked_in_error_by", "marked_in_error_at"])
    return entry
