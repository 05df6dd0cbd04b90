"""What the care app does when the patient's record apps signal it (see patients/signals.py and
checkins/signals.py). Connected in CareConfig.ready()."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.dispatch import receiver

from taperwell.accounts.models import User
from taperwell.care.models import Flag, FlagStatus, Resolution
from taperwell.care.services import flag_raise, flag_resolve
from taperwell.care.tasks import evaluate_bumps_later
from taperwell.checkins.signals import checkin_saved
from taperwell.patients.models import Patient
from taperwell.patients.signals import (
    flag_answered_by_plan,
    flag_requested,
    flag_words_asked,
    open_flag_rules_asked,
)
from taperwell.tapering.models import RevisionKind, TaperPlan


@receiver(flag_requested)
def store_requested_flag(
    sender: str,
    *,
    patient: Patient,
    rule: str,
    severity: str,
    reason: str,
    action: str,
    day: date,
    source: str,
    step_date: date | None = None,
    **_: Any,
) -> Flag:
    return flag_raise(
        patient=patient,
        rule=rule,
        severity=severity,
        reason=reason,
        action=action,
        day=day,
        step_date=step_date,
        source=source,
    )


@receiver(flag_answered_by_plan)
def resolve_flag_answered_by_plan(
    sender: str, *, plan: TaperPlan, flag_id: Any, by: User, kind: str, reason: str, **_: Any
) -> None:
    """The flag a clinician's plan change answers is resolved with it, in the same transaction."""
    flag = Flag.objects.filter(public_id=flag_id).first()
    if flag is None:
        return
    if flag.patient_id != plan.patient_id:
        raise ValidationError("That flag belongs to another patient.")
    if flag.status == FlagStatus.RESOLVED:
        return
    resolution = Resolution.PAUSED if kind == RevisionKind.PAUSE else Resolution.CHANGED_PLAN
    flag_resolve(flag=flag, by=by, resolution=resolution, note=reason)


@receiver(checkin_saved)
def queue_bump_rules(sender: str, *, patient: Patient, **_: Any) -> None:
    """The bump rules run in the background worker, so saving a check-in stays fast."""
    evaluate_bumps_later(patient.pk)


@receiver(open_flag_rules_asked)
def open_flag_rules(sender: str, *, patient: Patient, rules: Any, **_: Any) -> list[str]:
    return list(
        Flag.objects.filter(patient=patient, status=FlagStatus.OPEN, rule__in=rules)
        .order_by("rank", "-raised_at")
        .values_list("rule", flat=True)
    )


@receiver(flag_words_asked)
def flag_words(sender: str, *, patient: Patient, flag_id: Any, **_: Any) -> str | None:
    try:
        flag = Flag.objects.filter(public_id=flag_id, patient_id=patient.pk).first()
    except (ValueError, ValidationError):
        return None
    return None if flag is None else f"{flag.rule_label}: {flag.reason}"
