"""Who is calling: a personal API token (Bearer) or the web app's session (with CSRF)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from taperwell.api.models import TOKEN_PREFIX, ApiToken, token_digest

TOUCH_EVERY = timedelta(minutes=5)  # how often "last used" is written, to spare the database


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX):
            return None
        found = (
            ApiToken.objects.select_related("user", "user__membership")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        # The access helpers and the audit read the person from the request, as for pages.
        request.user = found.user
        return found.user


class SessionUser(SessionAuth):
    """The signed-in web session; unsafe methods need the CSRF token, as for forms."""


AUTH = [TokenAuth(), SessionUser()]
