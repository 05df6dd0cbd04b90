"""A patient's medicine list, as the care team records it.

Rows are never deleted: a medicine that was stopped is STOPPED, one recorded by mistake is
ENTERED_IN_ERROR. Every change also writes a `MedicationChange` (append-only) saying who and when.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.patients.models import Patient


class MedicationStatus(models.TextChoices):
    ACTIVE = "active", _("Taking")
    STOPPED = "stopped", _("Stopped")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class Release(models.TextChoices):
    IR = "IR", _("Immediate release")
    ER = "ER", _("Extended release")
    NONE = "", _("Not applicable")


class PatientMedication(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medications")
    drug = models.CharField(_("medicine"), max_length=80, help_text=_("Generic name."))
    rxcui = models.CharField(max_length=16, blank=True)
    form = models.CharField(_("form"), max_length=32, blank=True)
    release = models.CharField(_("release"), max_length=2, choices=Release.choices, blank=True)
    strength = models.DecimalField(
        _("strength"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    times = models.JSONField(_("scheduled times"), default=list, blank=True)
    as_needed = models.BooleanField(_("as needed"), default=False)
    max_prn_per_day = models.PositiveSmallIntegerField(
        _("most as-needed doses a day"), null=True, blank=True
    )
    directions = models.TextField(_("directions"), blank=True)
    status = models.CharField(
        max_length=20, choices=MedicationStatus.choices, default=MedicationStatus.ACTIVE
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["drug", "created_at"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"{self.drug} {self.strength or ''}{self.unit}".strip()

    @property
    def doses_per_day(self) -> int:
        return len(self.times or [])

    @property
    def label(self) -> str:
        parts = [self.drug]
        if self.release:
            parts.append(self.release)
        if self.form:
            parts.append(self.form)
        if self.strength is not None:
            parts.append(f"{self.strength.normalize():f} {self.unit}")
        return " ".join(parts)


class MedicationChangeKind(models.TextChoices):
    ADDED = "added", _("Added")
    CHANGED = "changed", _("Changed")
    STOPPED = "stopped", _("Stopped")
    ENTERED_IN_ERROR = "entered_in_error", _("Marked entered in error")


class MedicationChange(models.Model):
    """Append-only: who changed which medicine, when, and what it was before."""

    medication = models.ForeignKey(
        PatientMedication, on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(max_length=20, choices=MedicationChangeKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.medication}"


class RiskProfile(models.Model):
    """What the review needs besides the medicines: history items and ORT answers."""

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="risk_profile")
    overdose = models.BooleanField(_("past overdose"), default=False)
    substance_use_disorder = models.BooleanField(_("substance use disorder"), default=False)
    sleep_apnea = models.BooleanField(_("sleep apnoea"), default=False)
    sex = models.CharField(
        _("sex (for ORT scoring)"),
        max_length=8,
        blank=True,
        choices=[("female", _("Female")), ("male", _("Male"))],
    )
    ort_answers = models.JSONField(_("ORT answers"), null=True, blank=True)
    has_naloxone = models.BooleanField(_("has naloxone at home"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Risk profile of {self.patient}"


class NaloxonePlan(models.Model):
    """The patient's own answers: is naloxone at home, where, until when, who can use it.

    None means "not answered yet" (or "not sure"), which the page asks about again.
    """

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="naloxone_plan")
    has_naloxone = models.BooleanField(_("naloxone at home"), null=True, blank=True)
    kept_where = models.CharField(_("where it is kept"), max_length=200, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    someone_knows = models.BooleanField(
        _("someone at home knows how to use it"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Naloxone plan of {self.patient}"


class DoseSlot(models.TextChoices):
    """The part of the day a dose card stands for (the words of `clinical.taper_text`, so the
    card, the step's text and the calendar say the same), or an as-needed dose."""

    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")
    BEDTIME = "bedtime", _("Bedtime")
    AS_NEEDED = "as_needed", _("As needed")


class DoseLogSource(models.TextChoices):
    PATIENT = "patient", _("Marked by the patient")


class DoseLog(models.Model):
    """A dose the patient marked taken: one row per medicine line of a dose card.

    `day` is the clinic's day (its time zone) when it was marked. Undo keeps the row and sets
    `undone_at` (a record is never deleted); only rows without it count. The rows of one tap
    share its one-time `idempotency_key`, so a double tap or a resent form records it once.
    What the card said is kept as it was (`product`, `dose_text`, `amount`): the plan may
    change later, the record of that day does not.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="dose_log")
    day = models.DateField()
    slot = models.CharField(max_length=12, choices=DoseSlot.choices)
    time = models.CharField(
        max_length=5, blank=True, help_text=_("The schedule's time (HH:MM); blank as needed.")
    )
    line_key = models.CharField(max_length=120)
    drug = models.CharField(max_length=80)
    product = models.CharField(max_length=160)
    dose_text = models.CharField(max_length=160)
    amount = models.DecimalField(max_digits=10, decimal_places=3)
    unit = models.CharField(max_length=16, blank=True)
    taken_at = models.DateTimeField()
    source = models.CharField(
        max_length=12, choices=DoseLogSource.choices, default=DoseLogSource.PATIENT
    )
    idempotency_key = models.UUIDField()
    undone_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "taken_at", "pk"]
        indexes = [models.Index(fields=["patient", "day"], name="doselog_patient_day")]
        constraints = [
            # Keys are unique per patient (as the check-in's): a tap resent is the same tap.
            models.UniqueConstraint(
                fields=["patient", "idempotency_key", "line_key"],
                name="doselog_key_unique_per_patient",
            ),
            # A scheduled dose is marked once a day (two tabs racing keep one row).
            models.UniqueConstraint(
                fields=["patient", "day", "time", "line_key"],
                condition=models.Q(undone_at__isnull=True) & ~models.Q(time=""),
                name="doselog_scheduled_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.dose_text} on {self.day} ({self.get_slot_display()})"
