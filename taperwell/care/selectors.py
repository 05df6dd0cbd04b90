"""Reads for the care workspace."""

from __future__ import annotations

from typing import Any

from taperwell.care.models import Flag, FlagStatus

UNRESOLVED = (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED)


def open_flags(patient: Any) -> list[Flag]:
    """Flags not yet resolved, the most serious and oldest first."""
    return list(
        Flag.objects.filter(patient=patient, status__in=UNRESOLVED).order_by("rank", "raised_at")
    )


def flags_of(patient: Any) -> list[Flag]:
    """Every flag of the patient with its events: unresolved first, then the latest."""
    from django.db.models import Case, IntegerField, Value, When

    return list(
        Flag.objects.filter(patient=patient)
        .annotate(
            closed=Case(
                When(status=FlagStatus.RESOLVED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .prefetch_related("events__by")
        .order_by("closed", "status", "rank", "-raised_at")[:100]
    )


def can_read_notes(user: Any, patient: Any) -> bool:
    """Clinicians read notes; staff and admins only when their clinic allows it."""
    from taperwell.access import role_of
    from taperwell.clinics.models import CLINICAL_ROLES

    if role_of(user) in CLINICAL_ROLES:
        return True
    return bool(patient.clinic.staff_can_read_clinical_notes)


def notes_of(patient: Any) -> list[Any]:
    from taperwell.care.models import ClinicalNote

    return list(
        ClinicalNote.objects.filter(patient=patient)
        .select_related("author")
        .order_by("-created_at")
    )
