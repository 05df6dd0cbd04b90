"""Keep sessions in step with the person's authenticators.

- Setting up an authenticator proves a code from it, so the session that did it counts as having
  passed two-factor (allauth does not record this itself).
- A password change (or a password set) ends "keep me signed in": other sessions end with the
  old password (it is part of each session's sign-in hash), and the session that changed it goes
  back to the idle timeout.
- A passkey sign-in with "keep me signed in" ticked keeps the session as the password form does
  (the sign-in page copies the box into the passkey form: `accounts/passkeys.js`).
- Removing one ends every other session of its owner (the one that removed it stays, and is sent
  to set up a new one if their role needs it).
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import password_changed, password_set
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse

from taperwell.accounts.models import User
from taperwell.accounts.services import (
    session_end_keep_signed_in,
    session_keep_signed_in,
    user_end_other_sessions,
)


def _request_of(user_id: int) -> Any:
    """The request being served, when it is the authenticator owner's own."""
    request = context.request
    if request is None or getattr(getattr(request, "user", None), "pk", None) != user_id:
        return None
    return request


@receiver(post_save, sender=Authenticator)
def _authenticator_set_up(
    sender: Any, instance: Authenticator, created: bool, **kwargs: Any
) -> None:
    if not created or instance.type != Authenticator.Type.TOTP:
        return
    request = _request_of(instance.user_id)
    if request is not None:
        record_authentication(
            request, request.user, "mfa", id=instance.pk, type=instance.type, activated=True
        )


@receiver(post_delete, sender=Authenticator)
def _authenticator_removed(sender: Any, instance: Authenticator, **kwargs: Any) -> None:
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:
        user_end_other_sessions(user=user, request=_request_of(instance.user_id))


@receiver(password_changed)
@receiver(password_set)
def _password_changed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and getattr(getattr(request, "user", None), "pk", None) == user.pk:
        session_end_keep_signed_in(request=request)


@receiver(user_logged_in)
def _passkey_sign_in_kept(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if (
        request is not None
        and request.method == "POST"
        and request.path == reverse("mfa_login_webauthn")
        and request.POST.get("keep_signed_in")
    ):
        session_keep_signed_in(request=request, user=user)
