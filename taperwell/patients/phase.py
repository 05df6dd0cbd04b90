"""A patient's phase: taking part (daily check-ins) or maintenance after a finished taper
(check-ins at the clinic's slower cadence; the skills and the group stay)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from taperwell.patients.models import TAKING_PART, Patient, PatientStatus

if TYPE_CHECKING:
    from taperwell.accounts.models import User

PHASES = TAKING_PART


def checkin_every_days(patient: Patient) -> int:
    """How often this patient is asked to check in: daily, or the clinic's maintenance cadence."""
    if patient.status == PatientStatus.MAINTENANCE:
        return int(patient.clinic.maintenance_checkin_every_days)
    return 1


@transaction.atomic
def patient_phase_set(*, patient: Patient, phase: str, by: User) -> bool:
    """Move a patient between daily check-ins and maintenance. Returns whether anything changed.

    Only patients taking part move (not someone invited or who has left). Each change is an
    audit row: who, when, from which phase to which.
    """
    if phase not in PHASES:
        raise ValidationError(f"Unknown phase {phase!r}.")
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.status not in PHASES or locked.status == phase:
        return False
    before = locked.status
    locked.status = phase
    locked.save(update_fields=["status"])
    patient.status = phase
    from taperwell.audit.models import AuditAction
    from taperwell.audit.services import audit_record

    audit_record(
        request=None,
        actor=by,
        action=AuditAction.UPDATE,
        what=f"phase {before} to {phase}",
        patient=patient,
        object_id=str(patient.public_id),
    )
    return True
