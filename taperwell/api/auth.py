"""Who is calling: a personal API token (Bearer) or the web app's session (with CSRF)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from taperwell.api.models import TOKEN_PREFIX, ApiToken, token_digest

TOUCH_EVERY = timedelta(minutes=5)  # how often "last used" is written, to spare the database


def _failures_key(request: HttpRequest) -> str:
    return f"api-token-failures:{request.META.get('REMOTE_ADDR', '')}"


def _note_failure(request: HttpRequest) -> None:
    key = _failures_key(request)
    window = settings.API_TOKEN_FAILURE_WINDOW_SECONDS
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)


class TokenAuth(HttpBearer):
    """Bearer tokens. After too many wrong tokens from one address, every token from it is
    refused with 429 until the window passes, so tokens cannot be guessed."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if (cache.get(_failures_key(request)) or 0) >= settings.API_TOKEN_FAILURE_LIMIT:
            raise HttpError(429, "Too many wrong tokens from your address. Try again later.")
        if not token.startswith(TOKEN_PREFIX):
            _note_failure(request)
            return None
        found = (
            ApiToken.objects.select_related("user", "user__membership")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            _note_failure(request)
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
