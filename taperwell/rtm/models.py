"""Care-team time on a patient, entered by hand or with the care page's timer: who, when, how
long and what. A call with the patient is a real-time interactive communication. Entries are never
deleted, only marked entered in error with a reason."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.patients.models import Patient


class ActivityKind(models.TextChoices):
    MANAGEMENT = "management", _("Review and management")
    CALL = "call", _("Call with the patient (live, two-way)")


class EntryStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class CareTimeEntry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="care_time")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    what = models.CharField(_("what was done"), max_length=500)
    timed = models.BooleanField(default=False, help_text=_("Measured with the page's timer."))
    status = models.CharField(
        max_length=20, choices=EntryStatus.choices, default=EntryStatus.CURRENT
    )
    error_reason = models.CharField(max_length=500, blank=True)
    marked_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    marked_in_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-created_at"]
        indexes = [models.Index(fields=["patient", "status", "on"])]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.patient} ({self.on})"
