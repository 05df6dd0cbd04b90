"""Personal API tokens. Only a hash is stored; the token itself is shown once, when made."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "tw_"  # noqa: S105 - a visible prefix, not a secret


def token_digest(raw: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is enough (no stretching needed).
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("What you use it for."))
    hint = models.CharField(max_length=12, help_text=_("The first characters, to recognise it."))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        help_text=_("After this the token no longer works (API_TOKEN_LIFETIME_DAYS).")
    )
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("Can read, but not add or change anything.")
    )
    # Made from a session that passed two-factor sign-in. Where the owner's role needs
    # two-factor, a token without it is refused (e.g. one made while the demo did not ask).
    second_factor = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
