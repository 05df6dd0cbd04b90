"""The patient's practice log and flare plan. The practices themselves are files (practices.py)."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.patients.models import Patient

RATING = [MinValueValidator(0), MaxValueValidator(10)]
MAX_SESSION_MINUTES = 120


class PracticeKind(models.TextChoices):
    PACER = "pacer", _("Breathing pacer")
    BREATHING = "breathing", _("Breathing")
    BODY = "body", _("Body")
    PAIN = "pain", _("Pain skills")
    SAVOURING = "savouring", _("Savoring")
    URGE = "urge", _("Cravings")
    VALUES = "values", _("Values")
    LESSON = "lesson", _("Learn")
    OTHER = "other", _("Other")


class SessionStatus(models.TextChoices):
    DONE = "done", _("Done")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class PracticeSession(models.Model):
    """One time the patient practised a skill, with how they felt before and after."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="practice_sessions")
    practice_slug = models.CharField(max_length=80)
    # The title when it was done, so the log still reads well if a clinic removes a practice.
    practice_title = models.CharField(max_length=160)
    day = models.DateField(help_text=_("The day in the clinic's time zone."))
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SESSION_MINUTES)]
    )
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    distress_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    distress_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=RATING)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.DONE
    )
    error_reason = models.CharField(max_length=500, blank=True)  # why it was marked a mistake
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["patient", "day"])]

    def __str__(self) -> str:
        return f"{self.practice_title} ({self.minutes} min) on {self.day}"


class FlarePlan(models.Model):
    """The patient's own plan for when pain spikes, in their words."""

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="flare_plan")
    warning_signs = models.TextField(
        _("How I know a flare is starting"), blank=True, max_length=1500
    )
    first_steps = models.TextField(_("When pain spikes, I will…"), blank=True, max_length=1500)
    skills = models.TextField(_("Skills that help me"), blank=True, max_length=1500)
    people = models.TextField(_("People I can call"), blank=True, max_length=1500)
    comforts = models.TextField(_("Things that have helped before"), blank=True, max_length=1500)
    call_clinic_when = models.TextField(
        _("I will call the clinic if…"), blank=True, max_length=1500
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Flare plan of {self.patient}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in FLARE_PLAN_FIELDS)


FLARE_PLAN_FIELDS = (
    "warning_signs",
    "first_steps",
    "skills",
    "people",
    "comforts",
    "call_clinic_when",
)
