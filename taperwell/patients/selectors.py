"""Reads of patients for lists and pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from taperwell.access import patients_visible_to
from taperwell.patients.models import CareTeamMember, Patient

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


def record_number_taken(clinic: Clinic, number: str, *, patient: Patient | None = None) -> bool:
    """Is this record number (MRN) already another patient's at the clinic?"""
    others = Patient.objects.filter(clinic=clinic, record_number=number.strip())
    if patient is not None:
        others = others.exclude(pk=patient.pk)
    return bool(number.strip()) and others.exists()
