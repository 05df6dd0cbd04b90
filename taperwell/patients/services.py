"""Writes to a patient's own record by the care team."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from taperwell.audit.models import AuditAction
from taperwell.audit.services import audit_record
from taperwell.patients.models import Patient

if TYPE_CHECKING:
    from taperwell.accounts.models import User

IDENTITY_LABELS = {
    "date_of_birth": "date of birth",
    "record_number": "record number",
    "phone": "phone",
    "preferred_language": "preferred language",
}


@transaction.atomic
def patient_identity_update(*, patient: Patient, by: User, **fields: Any) -> list[str]:
    """Change the identity fields given; audited with the names (not values) of what changed."""
    unknown = set(fields) - set(IDENTITY_LABELS)
    if unknown:
        raise ValueError(f"Not identity fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(patient, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(patient, name, fields[name])
    patient.full_clean()
    patient.save(update_fields=changed)
    audit_record(
        request=None,
        action=AuditAction.UPDATE,
        what="identity: " + ", ".join(IDENTITY_LABELS[n] for n in changed),
        actor=by,
        patient=patient,
        object_id=str(patient.public_id),
    )
    return changed
