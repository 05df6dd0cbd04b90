"""Group sessions: the weekly mindfulness/ACT group and others, in person or by video."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.models import Clinic
from taperwell.patients.models import Patient


class SessionKind(models.TextChoices):
    MINDFULNESS = "mindfulness", _("Mindfulness and ACT group")
    PAIN_SCHOOL = "pain_school", _("Pain education")
    MOVEMENT = "movement", _("Gentle movement")
    OTHER = "other", _("Other")


class Place(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")


class GroupSession(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="group_sessions")
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    description = models.TextField(_("what happens"), blank=True, max_length=2000)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("minutes"), default=60, validators=[MinValueValidator(10), MaxValueValidator(480)]
    )
    place = models.CharField(_("where"), max_length=12, choices=Place.choices)
    location = models.CharField(_("room or address"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=12, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["clinic", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M})"

    def where_text(self) -> str:
        if self.place == Place.VIDEO:
            return str(_("Video call"))
        return self.location or str(_("At the clinic"))


class RsvpStatus(models.TextChoices):
    GOING = "going", _("Going")
    NOT_GOING = "not_going", _("Not going")


class Rsvp(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="rsvps")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="rsvps")
    status = models.CharField(max_length=10, choices=RsvpStatus.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "patient"], name="one_rsvp_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.status} {self.session_id}"


class Attendance(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="attendance")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="attendance")
    attended = models.BooleanField()
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "patient"], name="one_attendance_mark")
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} at {self.session_id}: {self.attended}"
