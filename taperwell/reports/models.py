"""Research consent (the patient's choice, append-only) and the patient's own data exports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.patients.models import Patient

RESEARCH_CONSENT_VERSION = "research-2025-1"


class ResearchChoice(models.TextChoices):
    GIVEN = "given", _("Yes, my data may be used for research without my name")
    WITHDRAWN = "withdrawn", _("No, do not use my data for research")


class ResearchConsent(models.Model):
    """Append-only: each time a patient says yes or no to research use. The latest row counts."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="research_consents")
    choice = models.CharField(max_length=10, choices=ResearchChoice.choices)
    text_version = models.CharField(max_length=40, default=RESEARCH_CONSENT_VERSION)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["patient", "recorded_at"])]

    def __str__(self) -> str:
        return f"Research consent {self.choice} ({self.patient_id})"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be made")
    EXPIRED = "expired", _("Expired")


class PatientExport(models.Model):
    """A ZIP of everything about one patient, made by a background job, downloadable for a while."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="data_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(upload_to="exports/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export {self.public_id} ({self.status})"


class VisitNote(models.Model):
    """What the patient wants their clinician to know at the next visit, in their own words."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visit_notes")
    body = models.TextField(_("A note for your visit"), max_length=1500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Visit note of {self.patient_id} ({self.created_at:%Y-%m-%d})"
