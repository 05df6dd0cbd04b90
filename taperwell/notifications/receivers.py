"""What the notifications app does when the record apps signal it. Connected in
NotificationsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from taperwell.notifications.models import Kind, Status
from taperwell.notifications.reminders import Due, claim_notice
from taperwell.patients.models import Patient
from taperwell.tapering.signals import plan_changed


def tell_patient_of_plan_change(
    sender: str, *, patient: Patient, key: str, title: str, body: str, url: str, **_: Any
) -> None:
    """The notice of a changed plan, written now, in the sender's transaction."""
    now = timezone.now()
    claim_notice(patient, Due(Kind.TAPER_STEP, key, now, now, title, body, url), Status.SENT)


plan_changed.connect(tell_patient_of_plan_change)
