"""Changing reminder settings, reading notices, and the calendar feed's token."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from taperwell.notifications.models import (
    CalendarAlarm,
    CalendarFeed,
    Kind,
    Notification,
    Status,
    token_digest,
)
from taperwell.notifications.reminders import Due, claim_notice, send_notice_email
from taperwell.notifications.schedule import preference_for
from taperwell.patients.models import Patient
from taperwell.webpush.services import notice_push_send

if TYPE_CHECKING:
    from taperwell.accounts.models import User


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notice_export_ready(*, patient: Patient, export_id: str) -> Notification | None:
    """Tell the patient their download is ready, once: a notice, and an email if they chose email
    (the email names no health detail, only that something is ready)."""
    user = patient.user
    if user is None:  # no account yet: nobody to tell
        return None
    pref = preference_for(user)
    if not pref.wants(Kind.EXPORT):
        return None
    from taperwell.core.language import language_for_patient

    now = timezone.now()
    with translation.override(language_for_patient(patient)):
        title = _("Your data is ready to download")
        body = _("The download link works for 48 hours. You can make a new one at any time.")
    notice = claim_notice(
        patient,
        Due(Kind.EXPORT, f"export:{export_id}", now, now, title, body, reverse("reports:mine")),
        Status.SENT,
    )
    if notice is None:
        return None  # already told
    if pref.email and user.email:
        send_notice_email(patient, notice)
    notice_push_send(notice=notice)
    return notice


@transaction.atomic
def calendar_feed_replace(
    *,
    patient: Patient,
    show_drug_names: bool = False,
    alarm_minutes: int = CalendarAlarm.TEN_MINUTES,
) -> str:
    """Revoke the live feed (if any) and make a new one. Returns the token, shown only now."""
    calendar_feed_revoke(patient=patient)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        patient=patient,
        token_hash=token_digest(token),
        show_drug_names=show_drug_names,
        alarm_minutes=alarm_minutes,
    )
    feed.full_clean()
    feed.save()
    return token


def calendar_feed_revoke(*, patient: Patient) -> int:
    return CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def calendar_feed_set_names(
    *, patient: Patient, show: bool, alarm_minutes: int | None = None
) -> int:
    """Medicine names on or off and, when given, the reminder before each event."""
    changes: dict[str, Any] = {"show_drug_names": show}
    if alarm_minutes is not None:
        changes["alarm_minutes"] = CalendarAlarm(alarm_minutes)
    return CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(**changes)


def live_feed(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.filter(token_hash=token_digest(token), revoked_at__isnull=True)
        .select_related("patient", "patient__clinic", "patient__user")
        .first()
    )
