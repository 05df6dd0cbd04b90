"""Sign-ins, sign-outs and failed sign-ins go into the audit trail too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from taperwell.audit.models import AuditAction
from taperwell.audit.services import audit_record

if TYPE_CHECKING:
    from taperwell.accounts.models import User


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(request=request, actor=user, action=AuditAction.SIGN_IN, what="sign-in")


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(request=request, actor=user, action=AuditAction.SIGN_OUT, what="sign-out")


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # When the email is an account's, the row goes to that account's clinic (its admin sees
    # attempts on their people). An unknown email is not stored: it may be a mistyped password.
    account = _account_for(credentials)
    membership = getattr(account, "membership", None) if account is not None else None
    audit_record(
        request=request,
        action=AuditAction.SIGN_IN_FAILED,
        what="failed sign-in",
        actor=account,
        clinic=membership.clinic if membership is not None else None,
        object_id=str(account.public_id) if account is not None else "",
    )


def _account_for(credentials: Any) -> User | None:
    from taperwell.accounts.models import User

    typed = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    if not isinstance(typed, str) or not typed.strip():
        return None
    return (
        User.objects.select_related("membership__clinic")
        .filter(email__iexact=typed.strip())
        .first()
    )
