"""Reads of patients for lists and pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from taperwell.access import patients_visible_to
from taperwell.patients.models import CareTeamMember, Patient


def panel_for(user: Any, *, mine_only: bool = False, search: str = "") -> QuerySet[Patient]:
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
