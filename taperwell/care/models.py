"""What the care team acts on: flags (with their append-only events), notices, clinical notes."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.patients.models import Patient


class Severity(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    MODERATE = "moderate", _("Moderate")
    INFO = "info", _("For information")

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.value]


# Lower is more serious; the dashboard sorts on it.
SEVERITY_RANK = {"urgent": 0, "high": 1, "moderate": 2, "info": 3}


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class FlagSource(models.TextChoices):
    BUMP_RULES = "bump-rules", _("Check-in patterns")
    CHECK_IN = "check-in", _("Check-in")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    PEER_POST = "peer-post", _("Peer group post")
    PATIENT = "patient", _("Patient request")
    CARE_TEAM = "care-team", _("Care team")


class Resolution(models.TextChoices):
    CALLED = "called", _("Called the patient")
    PAUSED = "paused-taper", _("Paused the taper")
    CHANGED_PLAN = "changed-plan", _("Changed the plan")
    REFERRED = "referred", _("Referred")
    NO_ACTION = "no-action", _("No action needed")


class Flag(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="flags")
    rule = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    rank = models.PositiveSmallIntegerField(editable=False, default=3)
    reason = models.TextField()
    action = models.CharField(max_length=40, blank=True)
    day = models.DateField()
    step_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=14, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    raised_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20, choices=FlagSource.choices)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["rank", "raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "rule", "day"], name="one_flag_a_rule_a_day")
        ]
        indexes = [
            # The dashboard's per-patient "most serious flag" lookups: equality, then the order.
            models.Index(fields=["patient", "status", "rank", "raised_at"]),
            models.Index(fields=["status", "rank", "raised_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.rule} for {self.patient} on {self.day}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.rank = SEVERITY_RANK.get(self.severity, 3)
        super().save(*args, **kwargs)

    @property
    def is_urgent(self) -> bool:
        return self.severity == Severity.URGENT

    @property
    def rule_label(self) -> str:
        return rule_label(self.rule)


RULE_LABELS = {
    "self-harm": "Thoughts of self-harm",
    "withdrawal-severe": "Severe withdrawal",
    "withdrawal-lasting": "Withdrawal lasting",
    "withdrawal-expected": "Expected withdrawal",
    "pain-worse": "Pain worse",
    "peg-worse": "PEG worse",
    "mood-band-up": "Mood or anxiety worse",
    "mood-low": "Low mood",
    "sleep-worse": "Sleep worse",
    "craving-high": "High craving",
    "missed-checkins": "Missed check-ins",
    "prn-over-plan": "Extra as-needed doses",
    "pause-request": "Asked for a pause",
    "withdrawal-high-days": "Severe withdrawal on several days",
    "phq9-severe": "Severe depression score (PHQ-9)",
    "gad7-severe": "Severe anxiety score (GAD-7)",
    "overdose": "Overdose reported",
    "naloxone-used": "Naloxone used",
    "non-prescribed-opioids": "Opioids not prescribed to them",
    "unreadable-entry": "An answer could not be read",
    # Monitoring the prescriber documents (taperwell.monitoring): an item past its due date.
    "monitoring-pdmp": "State PDMP check overdue",
    "monitoring-udt": "Urine drug test overdue",
    "monitoring-agreement": "Treatment agreement due",
    "monitoring-naloxone": "Naloxone prescription due",
}


def rule_label(rule: str) -> str:
    """A flag rule's name for people (a rule without one: its id in words)."""
    return RULE_LABELS.get(rule, rule.replace("-", " ").capitalize())


class FlagEventKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    NOTIFIED = "notified", _("Care team notified")


class FlagEvent(models.Model):
    """Append-only: each change of a flag's state."""

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=14, choices=FlagEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    resolution = models.CharField(max_length=16, choices=Resolution.choices, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.flag_id}"


class CareNotice(models.Model):
    """An in-app notice for one member of the care team (e.g. an urgent flag)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_notices"
    )
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "flag"], name="one_notice_a_flag_a_person")
        ]

    def __str__(self) -> str:
        return f"Notice for {self.user} about flag {self.flag_id}"


class NoteStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class ClinicalNote(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="clinical_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=NoteStatus.choices, default=NoteStatus.CURRENT)
    marked_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    marked_in_error_at = models.DateTimeField(null=True, blank=True)
    error_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note on {self.patient} by {self.author}"


class Encouragement(models.Model):
    """A short message of encouragement from the care team, shown to the patient in the app."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="encouragements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.CharField(max_length=280)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Encouragement for {self.patient}"
