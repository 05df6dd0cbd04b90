"""Sign-in backends that load the signed-in person with what every page reads about them.

Django loads the user from the session on each request (`get_user`). Here that one query also
reads their membership with its clinic and, for a patient, their own record with its clinic and
the facts every patient page checks (consent): see `taperwell.access.signed_in_user`. Nothing is
kept between requests; each request reads them afresh.

Signing in itself (password, email, passkeys, the second factor) is unchanged: `PasswordBackend`
is Django's `ModelBackend`, `AccountBackend` is allauth's backend, each with this `get_user`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from taperwell.access import signed_in_user

# Sessions signed in before these backends existed name the backend they used; they are carried
# over to the same backend with this `get_user` (taperwell.core.sessions), so nobody is signed out.
RENAMED_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "taperwell.accounts.backends.PasswordBackend",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "taperwell.accounts.backends.AccountBackend"
    ),
}


class _SignedInUser:
    def get_user(self, user_id: Any) -> Any:
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class PasswordBackend(_SignedInUser, ModelBackend):
    pass


class AccountBackend(_SignedInUser, AuthenticationBackend):
    pass
