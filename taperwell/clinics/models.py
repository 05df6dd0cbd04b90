"""A clinic, and the people who work or are cared for there."""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taperwell.core.crisis import SPANISH_CRISIS_TEXT


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a time zone we know."), params={"value": value})


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CLINICIAN = "clinician", _("Clinician")
    BEHAVIOURAL_HEALTH = "bh_clinician", _("Behavioral-health clinician")
    STAFF = "staff", _("Clinic staff")
    ADMIN = "admin", _("Clinic admin")


CARE_ROLES = frozenset({Role.CLINICIAN, Role.BEHAVIOURAL_HEALTH, Role.STAFF, Role.ADMIN})
CLINICAL_ROLES = frozenset({Role.CLINICIAN, Role.BEHAVIOURAL_HEALTH})
ENROLLING_ROLES = frozenset({Role.CLINICIAN, Role.STAFF, Role.ADMIN})
# Front desk and clinic admins: demographics, invitations, sessions, scheduling, and that a patient
# needs clinical attention, never why (no reasons, answers, doses, notes, PDF or FHIR).
FRONT_DESK_ROLES = frozenset({Role.STAFF, Role.ADMIN})
# Only prescribing clinicians draft, approve, change or discard a taper plan; the
# behavioral-health clinician reads plans.
PLAN_WRITING_ROLES = frozenset({Role.CLINICIAN})


class Clinic(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    jurisdiction = models.CharField(
        _("state"),
        max_length=2,
        blank=True,
        help_text=_("Two-letter US state code; chooses the state guideline pack."),
    )
    guideline_pack = models.CharField(_("guideline pack"), max_length=32, default="cdc-2022")
    phone = models.CharField(_("clinic phone"), max_length=32, blank=True)
    crisis_line_number = models.CharField(_("crisis line number"), max_length=32, default="988")
    crisis_line_text = models.CharField(
        _("crisis line wording"),
        max_length=240,
        default="Need to talk now? Call or text 988, any time, day or night.",
    )
    # The same words for patients who read Spanish (988 answers in Spanish: press 2 on a call,
    # or text AYUDA; see taperwell/core/crisis.py for the source).
    crisis_line_text_es = models.CharField(
        _("crisis line wording in Spanish"),
        max_length=240,
        blank=True,
        default=SPANISH_CRISIS_TEXT,
    )
    emergency_number = models.CharField(_("emergency number"), max_length=16, default="911")
    staff_can_read_clinical_notes = models.BooleanField(
        _("front-desk staff may read clinical notes"), default=False
    )
    maintenance_checkin_every_days = models.PositiveSmallIntegerField(
        _("check-ins after the taper, every how many days"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_(
            "Once a taper is finished, patients in maintenance are asked to check in this often "
            "(daily while tapering). Missed check-ins are counted from when one was due."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in a clinic. Each person belongs to exactly one clinic."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    title = models.CharField(
        _("title"), max_length=80, blank=True, help_text=_("For example: Pain physician, RN.")
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"

    @property
    def is_care_team(self) -> bool:
        return self.role in CARE_ROLES

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES
