"""The patient's daily check-in, scheduled questionnaires, and their own reasons for tapering.

Entries are never deleted: a wrong one is marked entered-in-error and kept.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.models import Clinic
from taperwell.patients.models import Patient

SCALE = [MinValueValidator(0), MaxValueValidator(10)]


class EntryStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class CheckIn(models.Model):
    """One day's check-in. Scales are 0-10: pain, withdrawal, craving (10 = worst);
    sleep and mood (10 = best), as the bump rules read them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="checkins")
    day = models.DateField(help_text=_("The day in the clinic's time zone."))
    pain = models.PositiveSmallIntegerField(validators=SCALE)
    sleep = models.PositiveSmallIntegerField(validators=SCALE)
    mood = models.PositiveSmallIntegerField(validators=SCALE)
    withdrawal = models.PositiveSmallIntegerField(validators=SCALE)
    craving = models.PositiveSmallIntegerField(validators=SCALE)
    withdrawal_signs = models.JSONField(default=list, blank=True)
    activity_done = models.ForeignKey(
        "goals.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkins",
    )
    activity_text = models.CharField(max_length=160, blank=True)
    prn_doses = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(20)])
    # The safety questions have no pre-chosen answer. None means not asked (an older entry, or an
    # API client that does not ask), never "no".
    self_harm_thoughts = models.BooleanField(null=True, blank=True)
    self_harm_declined = models.BooleanField(
        default=False,
        help_text=_(
            'Chose "I\'d rather not say" to the self-harm question: never read as no; the care '
            "team is told gently."
        ),
    )
    overdose = models.BooleanField(
        null=True, blank=True, help_text=_("Reported an overdose since the last check-in.")
    )
    naloxone_used = models.BooleanField(
        null=True, blank=True, help_text=_("Reported naloxone given since the last check-in.")
    )
    not_prescribed_opioids = models.BooleanField(
        null=True,
        blank=True,
        help_text=_("Reported taking opioids not prescribed to them since the last check-in."),
    )
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=20, choices=EntryStatus.choices, default=EntryStatus.CURRENT
    )
    error_reason = models.CharField(max_length=500, blank=True)  # why it was marked a mistake
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Unique per patient, not across patients: another patient's key must never refuse an entry.
    idempotency_key = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["patient", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "day"],
                condition=models.Q(status="current"),
                name="one_current_checkin_per_day",
            ),
            models.UniqueConstraint(
                fields=["patient", "idempotency_key"], name="checkin_key_unique_per_patient"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.day} ({self.patient})"


class Instrument(models.TextChoices):
    PEG = "peg", _("Pain and daily life (PEG)")
    PHQ9 = "phq9", _("Mood (PHQ-9)")
    GAD7 = "gad7", _("Worry (GAD-7)")
    SOWS = "sows", _("Withdrawal feelings (SOWS)")


class QuestionnaireResponse(models.Model):
    """A completed questionnaire: every answer in item order, scored by taperwell.clinical."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaires")
    instrument = models.CharField(max_length=8, choices=Instrument.choices)
    instrument_version = models.CharField(max_length=60)
    day = models.DateField()
    answers = models.JSONField(help_text=_("Whole-number answers in item order."))
    total = models.DecimalField(max_digits=6, decimal_places=2)
    band = models.CharField(
        max_length=40, blank=True, help_text=_("Empty when the instrument has no bands.")
    )
    flags = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=EntryStatus.choices, default=EntryStatus.CURRENT
    )
    completed_at = models.DateTimeField(auto_now_add=True)
    # Unique per patient, not across patients (see CheckIn.idempotency_key).
    idempotency_key = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["patient", "instrument", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument", "day"],
                condition=models.Q(status="current"),
                name="one_current_questionnaire_per_day",
            ),
            models.UniqueConstraint(
                fields=["patient", "idempotency_key"], name="questionnaire_key_unique_per_patient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.day} ({self.patient})"


class QuestionnaireSchedule(models.Model):
    """How often a clinic asks for each questionnaire. Without a row, the defaults apply."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, related_name="questionnaire_schedule"
    )
    instrument = models.CharField(max_length=8, choices=Instrument.choices)
    every_days = models.PositiveSmallIntegerField(
        _("every how many days"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    only_while_tapering = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "instrument"], name="one_schedule_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic}: {self.instrument} every {self.every_days} days"


class TaperReasons(models.Model):
    """The patient's own reasons for tapering, in their words, recorded at baseline."""

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="taper_reasons")
    reasons = models.TextField(_("Your reasons, in your own words"), max_length=2000)
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "taper reasons"

    def __str__(self) -> str:
        return f"Reasons of {self.patient}"
