"""The idle timeout without a session write on every request.

Django's `SESSION_SAVE_EVERY_REQUEST` pushes a signed-in session's expiry forward by re-saving the
session row on every request: a database write per page view. Here the row is re-saved only when
the session changed, or when more than `SESSION_TOUCH_SECONDS` (a minute) have passed since it was
last pushed forward. The idle timeout then ends a session between `SESSION_COOKIE_AGE` minus a
minute and `SESSION_COOKIE_AGE` after the last request, never later.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

TOUCHED_KEY = "_taperwell_touched"


class IdleTimeoutSessionMiddleware(SessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            last = session.get(TOUCHED_KEY, 0)
            if session.modified or now - last >= settings.SESSION_TOUCH_SECONDS:
                session[TOUCHED_KEY] = now  # marks it modified: saved with a fresh expiry
        return super().process_response(request, response)
