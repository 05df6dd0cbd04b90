"""A patient of a clinic and the care team around them."""

from __future__ import annotations

import re
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.models import Clinic, Membership


def tel_address(phone: str) -> str:
    """'(555) 123-4567' -> '+15551234567'; '+44 20 7946 0000' -> '+442079460000'; '' -> ''."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if phone.strip().startswith("+"):
        return f"+{digits}"
    if len(digits) == 10:  # a US number without its country code
        return f"+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"+{digits}"
    return digits


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value or "")
    if value and (len(digits) < 7 or len(digits) > 15 or re.search(r"[^\d\s()+.\-]", value)):
        raise ValidationError(
            _("Enter a phone number with its area code, for example (555) 123-4567.")
        )


class PatientStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    MAINTENANCE = "maintenance", _("Maintenance")
    LEFT = "left", _("Left the program")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


# Taking part in the program: daily check-ins, or maintenance after a finished taper.
TAKING_PART = (PatientStatus.ACTIVE, PatientStatus.MAINTENANCE)


class PatientQuerySet(models.QuerySet["Patient"]):
    def taking_part(self) -> PatientQuerySet:
        """Patients in the program now: active or in maintenance (not invited, not left)."""
        return self.filter(status__in=TAKING_PART)


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
    phone = models.CharField(
        _("phone"),
        max_length=32,
        blank=True,
        validators=[validate_phone],
        help_text=_("With the area code, for example (555) 123-4567."),
    )
    record_number = models.CharField(
        _("clinic record number (MRN)"),
        max_length=40,
        blank=True,
        help_text=_("The number of this patient's record in the clinic's EHR."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
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

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["clinic", "status"])]
        constraints = [
            # One record number per patient in a clinic: it is how an EHR's record is matched.
            models.UniqueConstraint(
                fields=["clinic", "record_number"],
                condition=~models.Q(record_number=""),
                name="one_record_number_per_clinic",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def first_name(self) -> str:
        return self.preferred_name or self.full_name.split(" ")[0]

    def age_on(self, day: date) -> int | None:
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def phone_tel(self) -> str:
        """The phone as a `tel:` address (digits, +1 for a ten-digit US number)."""
        return tel_address(self.phone)


class CareTeamRole(models.TextChoices):
    PRIMARY = "primary", _("Primary clinician")
    BEHAVIOURAL_HEALTH = "behavioural_health", _("Behavioral health")
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
