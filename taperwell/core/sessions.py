"""The idle timeout without a session write on every request.

Django's `SESSION_SAVE_EVERY_REQUEST` pushes a signed-in session's expiry forward by re-saving the
session row on every request: a database write per page view. Here the row is re-saved only when
the session changed, or when more than `SESSION_TOUCH_SECONDS` (a minute) have passed since it was
last pushed forward. The idle timeout then ends a session between `SESSION_COOKIE_AGE` minus a
minute and `SESSION_COOKIE_AGE` after the last request, never later.

A patient who ticked "keep me signed in on this device" has a session with a fixed end
(`KEEP_SIGNED_IN_DAYS` after signing in; taperwell.accounts.services). A kept session whose
person may no longer keep one (their role changed) goes back to the idle timeout here.

A session that names a sign-in backend by its old path is carried over to the new one here.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

from taperwell.accounts.backends import RENAMED_BACKENDS
from taperwell.accounts.services import (
    may_keep_signed_in,
    session_end_keep_signed_in,
    session_is_kept_signed_in,
)

TOUCHED_KEY = "_taperwell_touched"


class IdleTimeoutSessionMiddleware(SessionMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        # A session signed in before the backends were renamed keeps its sign-in. (Without a
        # session cookie there is nothing to carry over, and the session is left unread.)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return
        backend = request.session.get(BACKEND_SESSION_KEY)
        if backend in RENAMED_BACKENDS:
            request.session[BACKEND_SESSION_KEY] = RENAMED_BACKENDS[backend]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            last = session.get(TOUCHED_KEY, 0)
            if session_is_kept_signed_in(request) and not may_keep_signed_in(
                getattr(request, "user", None)
            ):
                session_end_keep_signed_in(request=request)
            if session.modified or now - last >= settings.SESSION_TOUCH_SECONDS:
                session[TOUCHED_KEY] = now  # marks it modified: saved with a fresh expiry
        return super().process_response(request, response)
