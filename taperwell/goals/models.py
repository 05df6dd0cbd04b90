"""What matters to a patient, the small weekly steps toward it, and the steps done."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.patients.models import Patient


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Working on it")
    REACHED = "reached", _("Reached")
    SET_ASIDE = "set_aside", _("Set aside for now")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class Goal(models.Model):
    """A values-based goal in the patient's own words ("play on the floor with my grandson")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(_("What would you like to do again?"), max_length=160)
    why = models.CharField(_("Why it matters to you"), max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    error_reason = models.CharField(max_length=500, blank=True)  # why it was marked a mistake
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return self.title


class ActivityStatus(models.TextChoices):
    ACTIVE = "active", _("In my weekly plan")
    RETIRED = "retired", _("No longer in my plan")


class Activity(models.Model):
    """A small step toward a goal, planned a few times a week ("sit on the floor for 2 minutes")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="activities")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(_("A small step"), max_length=160)
    times_per_week = models.PositiveSmallIntegerField(_("How many times this week?"), default=3)
    status = models.CharField(
        max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return self.title


class DoneStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")


class ActivityDone(models.Model):
    """One day on which the patient did a step. Never deleted: marked entered-in-error."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="activities_done")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="done")
    day = models.DateField()
    status = models.CharField(max_length=20, choices=DoneStatus.choices, default=DoneStatus.CURRENT)
    error_reason = models.CharField(max_length=500, blank=True)  # why it was marked a mistake
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["patient", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "day"],
                condition=models.Q(status="current"),
                name="one_done_per_activity_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} on {self.day}"
