"""Two-factor sign-in for everyone who can see more than their own record.

When `REQUIRE_STAFF_MFA` is on (always outside the demo), a clinician, behavioural-health
clinician, staff member or admin without an authenticator app is sent to set one up, and can
do nothing else until it is done. allauth then asks for the code at every sign-in.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_FLAG = "taperwell_has_totp"
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


def needs_second_factor(user: object) -> bool:
    """True for roles that must use two-factor sign-in (everyone except patients)."""
    membership = getattr(user, "membership", None)
    return bool(getattr(user, "is_superuser", False)) or (
        membership is not None and membership.role != "patient"
    )


class RequireStaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up(request):
            messages.info(
                request,
                _(
                    "Your role can see patients' records, so it needs a second sign-in step. "
                    "Please set up an authenticator app now; it takes two minutes."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up(self, request: HttpRequest) -> bool:
        if not settings.REQUIRE_STAFF_MFA or not request.user.is_authenticated:
            return False
        if request.path.startswith(_ALLOWED_PREFIXES) or request.session.get(SESSION_FLAG):
            return False
        if not needs_second_factor(request.user):
            return False
        has_totp = Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists()
        if has_totp:
            request.session[SESSION_FLAG] = True
        return not has_totp
