"""The sign-in form, with "keep me signed in on this device" for patients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from taperwell.accounts.services import session_keep_signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from taperwell.accounts.models import User


class LoginForm(AllauthLoginForm):
    keep_signed_in = forms.BooleanField(
        required=False,
        label=_("Keep me signed in on this device"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep_signed_in"].help_text = _(
            "For %(days)d days. Tick this only on your own phone or computer. "
            "Care team accounts are always signed out after a short time without use."
        ) % {"days": settings.KEEP_SIGNED_IN_DAYS}

    def login(self, request: HttpRequest, redirect_url: str | None = None) -> HttpResponse:
        response: HttpResponse = super().login(request, redirect_url)
        user: User | AnonymousUser | None = getattr(request, "user", None)
        if (
            self.cleaned_data.get("keep_signed_in")
            and user is not None
            and user.is_authenticated
            and user.pk == self.user.pk
        ):
            session_keep_signed_in(request=request, user=user)
        return response
