"""Writing audit rows. Views never call this directly: the access helpers do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import HttpRequest

from taperwell.audit.models import AuditAction, AuditEvent
from taperwell.core.net import client_ip
from taperwell.core.prepared import PreparedInsert

__all__ = ["audit_record", "audit_record_list", "client_ip"]

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
    path: str | None = None,
) -> AuditEvent:
    """One audit row. `path` replaces the request's own when that holds a secret (a feed token)."""
    if path is None:
        path = request.get_full_path() if request is not None else ""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if clinic is None and patient is not None:
        clinic = patient.clinic
    if clinic is None and actor is not None:
        membership = getattr(actor, "membership", None)
        clinic = membership.clinic if membership is not None else None
    event = AuditEvent(
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        clinic=clinic,
        patient=patient,
        action=action,
        what=what[:120],
        object_id=object_id,
        path=path[:300],
        ip_address=client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
    )
    return _AUDIT_INSERT.save(event)


# Every page writes one: the INSERT is prepared once per process (taperwell.core.prepared).
_AUDIT_INSERT = PreparedInsert(AuditEvent)


def audit_record_list(
    *,
    request: HttpRequest,
    what: str,
    patients: Iterable[Patient],
    action: AuditAction = AuditAction.VIEW,
) -> list[AuditEvent]:
    """A list page showed these patients: one row per patient, written in one insert, so each
    patient's trail says who saw them listed and where."""
    actor = request.user if request.user.is_authenticated else None
    shown = list(patients)
    if not shown:
        return []
    ip, path = client_ip(request), request.get_full_path()[:300]
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_email=actor.email if actor is not None else "",
            clinic_id=patient.clinic_id,
            patient=patient,
            action=action,
            what=what[:120],
            object_id=str(patient.public_id),
            path=path,
            ip_address=ip,
            user_agent=agent,
        )
        for patient in shown
    )
