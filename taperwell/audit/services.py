"""Writing audit rows. Views never call this directly: the access helpers do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

from taperwell.audit.models import AuditAction, AuditEvent
from taperwell.core.net import client_ip

__all__ = ["audit_record", "client_ip"]

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.clinics.models import Clinic
    from taperwell.patients.models import Patient


def audit_record(
    *,
    request: HttpRequest | None,
    action: AuditAction,
    what: str,
    actor: User | None = None,
    clinic: Clinic | None = None,
    patient: Patient | None = None,
    object_id: str = "",
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user  # type: ignore[assignment]
    if clinic is None and patient is not None:
        clinic = patient.clinic
    if clinic is None and actor is not None:
        membership = getattr(actor, "membership", None)
        clinic = membership.clinic if membership is not None else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        clinic=clinic,
        patient=patient,
        action=action,
        what=what[:120],
        object_id=object_id,
        path=request.get_full_path()[:300] if request is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
    )
