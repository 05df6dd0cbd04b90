"""The operator console (Django's admin) signs in through the same door as everyone else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


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
