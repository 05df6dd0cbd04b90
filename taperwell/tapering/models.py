"""Taper plans, the decisions taken on them, and the patient's requests for a pause.

A plan keeps its `inputs` (regimen, policy, start) and its `revisions` (pause, resume, slow down,
step back) so the schedule can be replayed by the engine; `schedule` is the snapshot of what a
clinician approved, and is the only thing the patient sees.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.clinical.prescription import load_fill_policy
from taperwell.patients.models import Patient


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Canceled")
    DISCARDED = "discarded", _("Discarded draft")


IN_FORCE = (PlanStatus.APPROVED, PlanStatus.PAUSED)


class RevisionKind(models.TextChoices):
    """A clinician's change to an approved plan, kept in `TaperPlan.revisions` and replayed."""

    PAUSE = "pause", _("Pause (keep today's dose)")
    RESUME = "resume", _("Resume")
    SLOW_DOWN = "slow-down", _("Slow down")
    STEP_BACK = "step-back", _("Step back to an earlier dose")


class TaperPlan(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="taper_plans")
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    inputs = models.JSONField(default=dict)
    revisions = models.JSONField(default=list, blank=True)
    schedule = models.JSONField(default=dict, blank=True)
    draft = models.JSONField(default=dict, blank=True, help_text="The schedule as drafted.")
    patient_preference = models.TextField(_("the patient's preference and reasons"), blank=True)
    agreement = models.TextField(_("what was agreed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Not stored: the day the plan was completed, when `medications.selectors` read it.
    completed_on: date | None = None

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"Taper plan for {self.patient} ({self.get_status_display()})"

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE


class TaperEventKind(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    APPROVED = "approved", _("Approved")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    SLOWED = "slowed", _("Slowed down")
    STEPPED_BACK = "stepped-back", _("Stepped back")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Canceled")
    REPLACED = "replaced", _("Replaced by a new plan")
    DISCARDED = "discarded", _("Draft discarded")
    PAUSE_REQUESTED = "pause-requested", _("Patient asked for a pause")
    # Concern for opioid use disorder and medication treatment (CDC-2022 Rec 12): a decision
    # logged on the plan; it changes no dose (taperwell/tapering/treatment.py).
    TREATMENT = "treatment", _("Medication treatment discussed")


class TaperEvent(models.Model):
    """Append-only: every decision on a plan, who took it, when and why."""

    plan = models.ForeignKey(TaperPlan, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=TaperEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d})"


class PauseRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


class PauseRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="pause_requests")
    plan = models.ForeignKey(
        TaperPlan, on_delete=models.PROTECT, related_name="pause_requests", null=True, blank=True
    )
    reason = models.TextField(_("reason (optional)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=12, choices=PauseRequestStatus.choices, default=PauseRequestStatus.OPEN
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Pause request from {self.patient}"


class PrescribingPolicy(models.Model):
    """A clinic's own prescription-worksheet setting (operator console). Without a row, the
    default fill length of `clinical/data/prescription.toml` applies."""

    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.PROTECT, related_name="prescribing_policy"
    )
    fill_days = models.PositiveSmallIntegerField(
        _("days one fill covers"),
        # The bound is in clinical/data/prescription.toml (source "none", with why).
        validators=[MinValueValidator(1), MaxValueValidator(load_fill_policy().at_most)],
        help_text=_("Never more than the days left before the next step."),
    )

    class Meta:
        verbose_name_plural = "prescribing policies"

    def __str__(self) -> str:
        return f"Prescribing policy of {self.clinic}"
