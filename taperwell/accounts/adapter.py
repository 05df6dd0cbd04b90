"""Sign-in rules: accounts are created by invitation only, never by open sign-up; throttles key
on the client's real address."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext

from taperwell.core.net import client_ip

if TYPE_CHECKING:
    from taperwell.accounts.models import User

# allauth's emails that would point at its sign-up page, which is closed here: taperwell sends
# its own words instead (templates/account/email/), with no link to sign up.
NO_SIGNUP_LINK = {"account/email/unknown_account", "account/email/account_already_exists"}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's per-address limits use this (TAPERWELL_TRUSTED_PROXY_COUNT, not its own).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # The per-account limit counts failures for this account *from this address*: someone
        # guessing a person's password locks out only themselves, not the person.
        return (
            f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"
        )

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        if template_prefix in NO_SIGNUP_LINK:
            context = {k: v for k, v in context.items() if k != "signup_url"}
        super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    def is_mfa_enabled(self, user: User, types: Any = None) -> bool:
        """A passkey is a way in, never the second sign-in step: after a patient adds one, the
        password alone still signs them in, as before; staff are asked for their authenticator
        code (the page that asks takes a code, and only a typed code counts for them)."""
        if types is None:
            return super().is_mfa_enabled(user, types)
        types = [t for t in types if t != Authenticator.Type.WEBAUTHN]
        return bool(types) and super().is_mfa_enabled(user, types)

    def generate_authenticator_name(self, user: User, type: Any) -> str:
        """The name a new passkey starts with ("My passkey", then "Passkey 2", ...)."""
        n = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        if n == 0:
            return gettext("My passkey")
        return gettext("Passkey %(number)d") % {"number": n + 1}
