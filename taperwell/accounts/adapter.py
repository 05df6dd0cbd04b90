"""Sign-in rules: accounts are created by invitation only, never by open sign-up."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

# allauth's emails that would point at its sign-up page, which is closed here: taperwell sends
# its own words instead (templates/account/email/), with no link to sign up.
NO_SIGNUP_LINK = {"account/email/unknown_account", "account/email/account_already_exists"}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        if template_prefix in NO_SIGNUP_LINK:
            context = {k: v for k, v in context.items() if k != "signup_url"}
        super().send_mail(template_prefix, email, context)
