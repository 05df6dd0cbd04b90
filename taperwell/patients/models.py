"""A patient of a clinic and the care team around them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.models import Clinic, Membership


class PatientStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    MAINTENANCE = "maintenance", _("Maintenance")
    LEFT = "left", _("Left the program")


class Patient(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="patient",
        null=True,
        blank=True,
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_name = models.CharField(_("preferred name"), max_length=60, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    status = models.CharField(
        max_length=16, choices=PatientStatus.choices, default=PatientStatus.INVITED
    )
    wants_to_taper = models.BooleanField(
        _("interested in tapering"),
        null=True,
        blank=True,
        help_text=_("Tapering is voluntary; a patient can join for skills and tracking only."),
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["clinic", "status"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def first_name(self) -> str:
        return self.preferred_name or self.full_name.split(" ")[0]


class CareTeamRole(models.TextChoices):
    PRIMARY = "primary", _("Primary clinician")
    BEHAVIOURAL_HEALTH = "behavioural_health", _("Behavioural health")
    NURSE = "nurse", _("Nurse")
    COORDINATOR = "coordinator", _("Care coordinator")


class CareTeamMember(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_team")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="panel")
    role = models.CharField(max_length=24, choices=CareTeamRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "member"], name="one_place_on_a_team")
        ]

    def __str__(self) -> str:
        return f"{self.member.user} — {self.get_role_display()} for {self.patient}"
