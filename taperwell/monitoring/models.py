"""What the prescriber documents between visits: PDMP checks, urine drug tests, the opioid
treatment agreement and naloxone prescribed. Entries are never deleted, only marked entered in
error with a reason."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.models import Clinic
from taperwell.patients.models import Patient


class Kind(models.TextChoices):
    PDMP = "pdmp", _("State PDMP check")
    UDT = "udt", _("Urine drug test")
    AGREEMENT = "agreement", _("Opioid treatment agreement")
    NALOXONE = "naloxone", _("Naloxone prescribed")


class Finding(models.TextChoices):
    EXPECTED = "expected", _("As expected")
    UNEXPECTED = "unexpected", _("Unexpected")


class RecordStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class MonitoringRecord(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="monitoring_records"
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    done_on = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(_("result"), max_length=12, choices=Finding.choices, blank=True)
    summary = models.TextField(_("result summary"), max_length=2000, blank=True)
    action = models.TextField(_("what was done"), max_length=2000, blank=True)
    renew_by = models.DateField(_("renew by"), null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RecordStatus.choices, default=RecordStatus.CURRENT
    )
    error_reason = models.CharField(max_length=500, blank=True)
    marked_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    marked_in_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-created_at"]
        indexes = [models.Index(fields=["patient", "kind", "status", "done_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} on {self.done_on}"


def _days(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Leave empty for the cited default."),
    )


class MonitoringPolicy(models.Model):
    """A clinic's own intervals; an empty field keeps the cited default (data/policy.toml)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="monitoring")
    pdmp_every_days = _days(_("PDMP check every (days)"))
    udt_every_days = _days(_("urine drug test every (days)"))
    agreement_every_days = _days(_("treatment agreement renewed every (days)"))
    naloxone_every_days = _days(_("naloxone prescribed again every (days)"))
    agreement_for_all = models.BooleanField(
        _("a treatment agreement for every patient on opioids"), default=False
    )

    class Meta:
        verbose_name_plural = "monitoring policies"

    def __str__(self) -> str:
        return f"Monitoring policy of {self.clinic}"
