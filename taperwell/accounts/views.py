"""The operator console (Django's admin) signs in through the same door as everyone else; a
patient's new passkey leads back to their account page."""

from __future__ import annotations

from allauth.mfa.webauthn.views import AddWebAuthnView
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from taperwell.accounts.services import is_patient


def operator_login(request: HttpRequest) -> HttpResponseRedirect:
    """Replaces the admin's own login form, which takes a password and nothing else.

    Any method (a posted password is ignored) goes to allauth's sign-in, which asks for the
    authenticator code; the two-factor middleware then guards every /operator/ page.
    """
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    target = target or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


class AddPasskeyView(AddWebAuthnView):
    """allauth's "add a passkey" (same checks: a fresh password first), ending on the account
    page for a patient. A patient's passkey is a way in, not a second step, so the recovery codes
    allauth makes alongside it are not put in front of them as something to write down."""

    def get_success_url(self) -> str:
        if is_patient(self.request.user):
            return reverse("account_change_password")
        return str(super().get_success_url())


add_passkey = AddPasskeyView.as_view()
