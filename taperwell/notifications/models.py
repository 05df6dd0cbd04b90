"""Reminders and notices for patients, their preferences, and the private calendar feed."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.models import validate_time_zone
from taperwell.patients.models import Patient


class Kind(models.TextChoices):
    CHECKIN = "checkin", _("Daily check-in")
    DOSE = "dose", _("Dose times")
    TAPER_STEP = "taper_step", _("Next taper step (two days before)")
    PRACTICE = "practice", _("Skills practice")
    QUESTIONNAIRE = "questionnaire", _("Questionnaires due")
    NALOXONE = "naloxone", _("Naloxone expiry")
    SESSION = "session", _("Group sessions")
    MESSAGE = "message", _("New messages")
    EXPORT = "export", _("My data download is ready")


class CalendarAlarm(models.IntegerChoices):
    """How long before each timed calendar event the phone reminds (a VALARM in the feed)."""

    NONE = 0, _("No reminder")
    TEN_MINUTES = 10, _("10 minutes before")
    HALF_HOUR = 30, _("30 minutes before")
    ONE_HOUR = 60, _("1 hour before")


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped: no longer useful")


class Preference(models.Model):
    """What a patient wants to hear about, when, and how."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    time_zone = models.CharField(
        _("your time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Leave empty to use the clinic's time zone."),
    )
    quiet_start = models.TimeField(_("quiet from"), default=dt.time(21, 0))
    quiet_end = models.TimeField(_("quiet until"), default=dt.time(8, 0))
    checkin_time = models.TimeField(_("check-in reminder at"), default=dt.time(9, 0))
    practice_time = models.TimeField(_("practice reminder at"), default=dt.time(18, 0))
    dose_times = models.CharField(
        _("my dose times"),
        max_length=60,
        blank=True,
        help_text=_(
            "For example 08:00, 20:00. Used when your plan does not set times. "
            "Dose reminders are not held back by quiet hours."
        ),
    )
    email = models.BooleanField(_("also send an email"), default=True)
    switched_off = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"Reminder settings of {self.user}"

    def wants(self, kind: str) -> bool:
        return kind not in (self.switched_off or [])


class Notification(models.Model):
    """One notice for one person. The unique key is the claim: it is written before anything is
    sent, so two workers can never send the same reminder twice."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=120)
    status = models.CharField(max_length=8, choices=Status.choices)
    due_at = models.DateTimeField()
    title = models.CharField(max_length=120)
    body = models.CharField(max_length=400, blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    # Not stored: `notifications.selectors.plan_notice_of` marks a plan notice that raises the dose.
    is_increase = False

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notice_per_key"),
        ]
        indexes = [models.Index(fields=["user", "status", "read_at"])]

    def __str__(self) -> str:
        return f"{self.key} → {self.user_id} ({self.status})"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A private calendar address. Only the digest of the token is kept; revoked ones 404."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    show_drug_names = models.BooleanField(
        _("show medicine names in my calendar"),
        default=False,
        help_text=_("Off: your calendar says only 'Evening dose' or 'Taper step'."),
    )
    alarm_minutes = models.PositiveSmallIntegerField(
        _("remind me in my calendar"),
        choices=CalendarAlarm.choices,
        default=CalendarAlarm.TEN_MINUTES,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_feed_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.patient}"
