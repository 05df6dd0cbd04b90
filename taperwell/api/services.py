"""Making and revoking personal API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from taperwell.api.models import TOKEN_PREFIX, ApiToken, token_digest


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once; only its digest is stored


@transaction.atomic
def api_token_create(*, user: Any, name: str) -> NewToken:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), hint=raw[:8], digest=token_digest(raw))
    token.full_clean()
    token.save()
    return NewToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: Any) -> ApiToken:
    if token.user_id != by.pk:
        raise PermissionError("Only the owner revokes a token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
