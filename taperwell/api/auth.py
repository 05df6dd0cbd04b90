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

from taperwell.accounts.services import has_authenticator, second_factor_required
from taperwell.api.models import TOKEN_PREFIX, ApiToken, token_digest
from taperwell.core.net import client_ip

TOUCH_EVERY = timedelta(minutes=5)  # how often "last used" is written, to spare the database
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _failures_key(request: HttpRequest) -> str:
    # The client's own address (taperwell.core.net), not the proxy's: wrong tokens from one
    # client never throttle another.
    return f"api-token-failures:{client_ip(request) or ''}"


def _note_failure(request: HttpRequest) -> None:
    key = _failures_key(request)
    window = settings.API_TOKEN_FAILURE_WINDOW_SECONDS
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)


def _refuse_if_unusable(token: ApiToken, request: HttpRequest) -> None:
    if token.is_expired:
        raise HttpError(401, "This token has expired. Make a new one on your account page.")
    user = token.user
    if second_factor_required(user) and not (token.second_factor and has_authenticator(user)):
        raise HttpError(
            401,
            "Your role needs two-factor sign-in, and this token was not made with it. "
            "Sign in with your authenticator app and make a new token.",
        )
    if token.read_only and request.method not in READ_METHODS:
        raise HttpError(403, "This token can only read.")


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
        _refuse_if_unusable(found, request)
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        # The access helpers and the audit read the person from the request, as for pages.
        request.user = found.user
        return found.user


class SessionUser(SessionAuth):
    """The signed-in web session; unsafe methods need the CSRF token, as for forms."""


AUTH = [TokenAuth(), SessionUser()]
