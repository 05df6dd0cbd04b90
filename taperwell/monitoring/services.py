"""Writes: a monitoring record, marking one entered in error, and low flags for overdue items."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from taperwell.access import role_of
from taperwell.clinics.models import Role
from taperwell.monitoring.models import Finding, Kind, MonitoringRecord, RecordStatus
from taperwell.monitoring.schedule import DueItem, DueState

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.care.models import Flag
    from taperwell.patients.models import Patient

# Clinicians record (nurse practitioners sign in with the clinician role).
RECORDING_ROLES = frozenset({Role.CLINICIAN})
FLAG_RULE = "monitoring-{kind}"


def _must_record(user: User) -> None:
    if role_of(user) not in RECORDING_ROLES:
        raise PermissionDenied("Only clinicians record monitoring.")


@transaction.atomic
def monitoring_record_create(
    *,
    patient: Patient,
    by: User,
    kind: str,
    done_on: date,
    finding: str = "",
    summary: str = "",
    action: str = "",
    renew_by: date | None = None,
    today: date,
) -> MonitoringRecord:
    """Record a PDMP check, a urine drug test, a signed agreement or a naloxone prescription.

    A check or test needs its result; an unexpected one needs what was done. The open flag saying
    the item was overdue is resolved with the record.
    """
    _must_record(by)
    errors: dict[str, str] = {}
    if done_on > today:
        errors["done_on"] = "The date cannot be in the future."
    if kind in (Kind.PDMP, Kind.UDT) and finding not in Finding.values:
        errors["finding"] = "Choose whether the result was as expected."
    if finding == Finding.UNEXPECTED and not action.strip():
        errors["action"] = "Say what was done about the unexpected result."
    if kind == Kind.AGREEMENT and renew_by is not None and renew_by <= done_on:
        errors["renew_by"] = "The renewal date comes after the date it was signed."
    if errors:
        raise ValidationError(errors)
    record = MonitoringRecord(
        patient=patient,
        by=by,
        kind=kind,
        done_on=done_on,
        finding=finding if kind in (Kind.PDMP, Kind.UDT) else "",
        summary=summary.strip(),
        action=action.strip(),
        renew_by=renew_by if kind == Kind.AGREEMENT else None,
    )
    record.full_clean()
    record.save()
    _resolve_overdue_flags(patient=patient, kind=kind, by=by, record=record)
    return record


def _resolve_overdue_flags(
    *, patient: Patient, kind: str, by: User, record: MonitoringRecord
) -> None:
    from taperwell.care.models import Flag, FlagEvent, FlagEventKind, FlagStatus

    flags = Flag.objects.filter(patient=patient, rule=FLAG_RULE.format(kind=kind)).exclude(
        status=FlagStatus.RESOLVED
    )
    for flag in flags:
        flag.status = FlagStatus.RESOLVED
        flag.save(update_fields=["status"])
        FlagEvent.objects.create(
            flag=flag,
            kind=FlagEventKind.RESOLVED,
            by=by,
            note=f"{record.get_kind_display()} recorded for {record.done_on:%b %-d, %Y}.",
        )


@transaction.atomic
def monitoring_record_mark_entered_in_error(
    *, record: MonitoringRecord, by: User, reason: str
) -> MonitoringRecord:
    """Kept, struck through, with who, when and why. Nothing is deleted."""
    _must_record(by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this entry is in error."})
    if record.status == RecordStatus.ENTERED_IN_ERROR:
        return record
    record.status = RecordStatus.ENTERED_IN_ERROR
    record.error_reason = reason.strip()[:500]
    record.marked_in_error_by = by
    record.marked_in_error_at = timezone.now()
    record.save(
        update_fields=["status", "error_reason", "marked_in_error_by", "marked_in_error_at"]
    )
    return record


OVERDUE_REASONS = {
    Kind.PDMP: "No state PDMP check recorded since {since}.",
    Kind.UDT: "No urine drug test recorded since {since}.",
    Kind.AGREEMENT: "The opioid treatment agreement is due (since {since}).",
    Kind.NALOXONE: "Naloxone is advised and no prescription is recorded since {since}.",
}


@transaction.atomic
def monitoring_flags_raise(*, patient: Patient, items: list[DueItem]) -> list[Flag]:
    """A low ("for information") flag for each overdue item, once for each due date: the flag's
    day is the date the item fell due, so a daily sweep never raises the same one twice."""
    from taperwell.care.models import FlagSource, Severity
    from taperwell.care.services import flag_raise

    raised: list[Flag] = []
    for item in items:
        if item.state != DueState.OVERDUE or item.due_on is None:
            continue
        raised.append(
            flag_raise(
                patient=patient,
                rule=FLAG_RULE.format(kind=item.kind),
                severity=Severity.INFO,
                reason=OVERDUE_REASONS[Kind(item.kind)].format(since=f"{item.due_on:%b %-d, %Y}"),
                action="record",
                day=item.due_on,
                source=FlagSource.CARE_TEAM,
            )
        )
    return raised
