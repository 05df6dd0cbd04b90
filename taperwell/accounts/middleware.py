"""Two-factor sign-in for everyone who can see more than their own record.

When `REQUIRE_STAFF_MFA` is on (always outside the demo), a clinician, behavioral-health
clinician, staff member, admin or operator must have typed an authenticator code *in this
session* (allauth records it). Owning an authenticator is not enough: a session that signed in
another way (an old session, a password-only sign-in) is asked for the code before anything
else, and someone without an authenticator is sent to set one up.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from taperwell.accounts.services import (
    has_authenticator,
    needs_second_factor,
    second_factor_required,
    session_passed_second_factor,
)

__all__ = ["RequireStaffTwoFactorMiddleware", "needs_second_factor"]

_ALWAYS_ALLOWED = ("/static/", "/healthz", "/accounts/logout/")
# Without an authenticator, the account pages (where it is set up) stay open.
_SET_UP_ALLOWED = ("/accounts/",)
# With one but no code typed yet, only the page that asks for it: not the pages that would
# remove or replace the authenticator.
_CODE_ALLOWED = ("/accounts/2fa/reauthenticate/",)


class RequireStaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            not user.is_authenticated
            or request.path.startswith(_ALWAYS_ALLOWED)
            or not second_factor_required(user)
            or session_passed_second_factor(request)
        ):
            return self.get_response(request)
        if not has_authenticator(user):
            if request.path.startswith(_SET_UP_ALLOWED):
                return self.get_response(request)
            messages.info(
                request,
                _(
                    "Your role can see patients' records, so it needs a second sign-in step. "
                    "Please set up an authenticator app now; it takes two minutes."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        if request.path.startswith(_CODE_ALLOWED):
            return self.get_response(request)
        ask = reverse("mfa_reauthenticate")
        return redirect(f"{ask}?{urlencode({'next': request.get_full_path()})}")
