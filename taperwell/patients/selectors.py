"""Reads of patients for lists and pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from taperwell.access import patients_visible_to
from taperwell.core.json_rows import json_rows
from taperwell.patients.models import CareTeamMember, CareTeamRole, Patient

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.clinics.models import Clinic


def panel_for(user: User, *, mine_only: bool = False, search: str = "") -> QuerySet[Patient]:
    """The patients a care-team member sees in their list, with care teams in one extra query."""
    patients = patients_visible_to(user)
    if mine_only:
        patients = patients.filter(care_team__member__user=user)
    if search:
        patients = patients.filter(
            Q(full_name__icontains=search) | Q(preferred_name__icontains=search)
        )
    return patients.prefetch_related(
        Prefetch("care_team", queryset=CareTeamMember.objects.select_related("member__user"))
    ).order_by("full_name")


def care_team_of(patient: Patient) -> list[CareTeamMember]:
    return list(patient.care_team.select_related("member__user").order_by("role"))


def care_team_column() -> Subquery:
    """For a query of patients: their care team's names and roles as one JSON column
    (`care_team_from` reads it back)."""
    return json_rows(
        CareTeamMember.objects.filter(patient=OuterRef("pk")),
        by="patient",
        id="id",
        name="member__user__full_name",
        role="role",
    )


def care_team_from(rows: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    """The care team as `care_team_of` orders it (by role), each {"name", "role"}: the role's
    words in the reader's language."""
    labels = dict(CareTeamRole.choices)
    return [
        {"name": row["name"], "role": labels.get(row["role"], row["role"])}
        for row in sorted(rows or (), key=lambda row: (row["role"], row["id"]))
    ]


def record_number_taken(clinic: Clinic, number: str, *, patient: Patient | None = None) -> bool:
    """Is this record number (MRN) already another patient's at the clinic?"""
    others = Patient.objects.filter(clinic=clinic, record_number=number.strip())
    if patient is not None:
        others = others.exclude(pk=patient.pk)
    return bool(number.strip()) and others.exists()
