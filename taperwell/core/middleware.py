"""Pages with health data must not be kept in shared or browser caches."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from taperwell.accounts.models import User


class NoStoreForSignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] += ", no-store"
        return response


# Scripts and styles come only from our own files: no inline script can run, so an injected
# `<script>` or `onclick=` does nothing. Images may be data: URLs (the authenticator QR code).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """A Content-Security-Policy and a Permissions-Policy on every response.

    (HSTS, X-Frame-Options, Referrer-Policy and X-Content-Type-Options come from Django's own
    SecurityMiddleware and XFrameOptionsMiddleware; see settings.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer with a calm 503 page, not a stack trace.

    Errors raised by a view come here; errors raised elsewhere (a session saved after the view,
    a middleware reading the user) reach `taperwell.core.views.server_error`, which does the same.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from taperwell.core.views import database_unavailable, is_database_outage

        if is_database_outage(exception):
            return database_unavailable(request, exception)
        return None


class ClinicTimeZoneMiddleware:
    """Times on every page in the clinic's own time zone, for this request only.

    Django keeps the active time zone per thread: a zone switched on in one view and never off
    stays on for the next request the worker serves, so the same flag could read "Raised 13:09"
    on one page and "08:09" on the next. Here it is set as each request starts, and reset after.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from taperwell.access import clinic_of

        _load_membership_with_clinic(getattr(request, "user", None))
        clinic = clinic_of(getattr(request, "user", None))
        try:
            if clinic is not None:
                timezone.activate(zoneinfo.ZoneInfo(clinic.time_zone))
            else:
                timezone.deactivate()
            return self.get_response(request)
        finally:
            timezone.deactivate()


def _load_membership_with_clinic(user: User | AnonymousUser | None) -> None:
    """The person's membership and clinic in one query, kept on the user for the views after."""
    if user is None or not user.is_authenticated:
        return
    from django.contrib.auth import get_user_model

    from taperwell.clinics.models import Membership

    # the reverse one-to-one: loaded already?
    if get_user_model().membership.is_cached(user):  # type: ignore[attr-defined]
        return
    membership = Membership.objects.select_related("clinic").filter(user_id=user.pk).first()
    if membership is not None:
        user.membership = membership  # cached on the user; nothing is saved
