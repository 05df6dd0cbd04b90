"""Invitations into the program, and the patient's consent to it."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def secret_digest(secret: str) -> str:
    """Invitation codes and link tokens are stored only as digests, like passwords."""
    normalised = secret.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


class InvitationMethod(models.TextChoices):
    EMAIL = "email", _("By email")
    CODE = "code", _("Printed code")


class Invitation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="invitations"
    )
    method = models.CharField(max_length=8, choices=InvitationMethod.choices)
    email = models.EmailField(blank=True)
    secret_hash = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Digest of a printed code; email links are signed instead."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    email_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="invitation_email_due",
                condition=models.Q(method="email", email_sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.patient} ({self.get_method_display()})"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class Consent(models.Model):
    """A patient's agreement to the program. Separate from any decision to taper."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consents"
    )
    text_version = models.CharField(max_length=32)
    text_digest = models.CharField(max_length=64)
    agreed_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True)

    class Meta:
        ordering = ["-agreed_at"]

    def __str__(self) -> str:
        return f"{self.patient} agreed to {self.text_version}"
