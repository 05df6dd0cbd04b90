"""Two-factor sign-in: who needs it, whether this session passed it, and what removing it ends.

allauth keeps a record of the ways a person proved who they are in the current session
(`get_authentication_records`): a password, then an authenticator code. Whether a session
passed two-factor is read from there, never from whether the person owns an authenticator.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from taperwell.accounts.models import User

# A passkey is not among them: allauth records a passkey sign-in as one step ("passwordless"),
# and staff must type a code from their authenticator app in the session whatever else they used.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)

# Set in a session whose patient ticked "keep me signed in on this device".
KEPT_SIGNED_IN_KEY = "_taperwell_kept_signed_in"


def needs_second_factor(user: object) -> bool:
    """True for roles that must use two-factor sign-in (everyone except patients)."""
    membership = getattr(user, "membership", None)
    return bool(getattr(user, "is_superuser", False)) or (
        membership is not None and membership.role != "patient"
    )


def second_factor_required(user: object) -> bool:
    """Whether this person must use a second factor here (off only in the demo)."""
    return bool(settings.REQUIRE_STAFF_MFA) and needs_second_factor(user)


def has_authenticator(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def session_passed_second_factor(request: HttpRequest) -> bool:
    """True when someone typed a code in this very session from an authenticator the person
    still has (a removed one no longer counts)."""
    records = get_authentication_records(request, request.user)
    used = {
        record.get("id")
        for record in records
        if record.get("method") == "mfa" and record.get("type") in SECOND_FACTOR_TYPES
    }
    if not used:
        return False
    return bool(Authenticator.objects.filter(user=request.user, pk__in=used).exists())


@transaction.atomic
def user_end_other_sessions(*, user: User, request: HttpRequest | None = None) -> None:
    """Every session of `user` ends, except the one making this request (if it is theirs)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    if request is not None and getattr(request.user, "pk", None) == user.pk:
        request.user.refresh_from_db(fields=["session_epoch"])  # type: ignore[union-attr]
        update_session_auth_hash(request, request.user)  # type: ignore[arg-type]


def is_patient(user: object) -> bool:
    membership = getattr(user, "membership", None)
    return (
        bool(getattr(user, "is_authenticated", False))
        and not needs_second_factor(user)
        and membership is not None
        and membership.role == "patient"
    )


def may_keep_signed_in(user: object) -> bool:
    """Only patients may stay signed in on a device; every other role keeps the idle timeout."""
    return is_patient(user)


def session_keep_signed_in(*, request: HttpRequest, user: object) -> bool:
    """This session lasts `KEEP_SIGNED_IN_DAYS` from now, idle or not, if `user` may keep it.

    Returns whether it was kept. For anyone else the session keeps the idle timeout."""
    if not may_keep_signed_in(user):
        return False
    request.session.set_expiry(timedelta(days=settings.KEEP_SIGNED_IN_DAYS))
    request.session[KEPT_SIGNED_IN_KEY] = True
    return True


def session_is_kept_signed_in(request: HttpRequest) -> bool:
    return bool(request.session.get(KEPT_SIGNED_IN_KEY))


def session_end_keep_signed_in(*, request: HttpRequest) -> None:
    """Back to the idle timeout (a password change, or someone who may no longer keep it)."""
    if KEPT_SIGNED_IN_KEY in request.session:
        del request.session[KEPT_SIGNED_IN_KEY]
    request.session.set_expiry(None)
