"""Making and revoking personal API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from taperwell.accounts.services import second_factor_required
from taperwell.api.models import TOKEN_PREFIX, ApiToken, token_digest

if TYPE_CHECKING:
    from taperwell.accounts.models import User


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once; only its digest is stored


@transaction.atomic
def api_token_create(
    *, user: User, name: str, read_only: bool = False, second_factor: bool = False
) -> NewToken:
    """A new token for `user`, working for `API_TOKEN_LIFETIME_DAYS`.

    `second_factor` says whether the session asking for it passed two-factor sign-in; a role
    that needs two-factor gets a token only from such a session.
    """
    if second_factor_required(user) and not second_factor:
        raise PermissionDenied("A token for this role needs a two-factor sign-in first.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        hint=raw[:8],
        digest=token_digest(raw),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS),
        read_only=read_only,
        second_factor=second_factor,
    )
    token.full_clean()
    token.save()
    return NewToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    if token.user_id != by.pk:
        raise PermissionError("Only the owner revokes a token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Every token of `user` stops working now (e.g. when their authenticator is removed)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
