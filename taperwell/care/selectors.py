"""Reads for the care workspace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Subquery

from taperwell.care.models import ClinicalNote, Flag, FlagStatus
from taperwell.skills.selectors import FLAG_NEEDS
from taperwell.tapering.models import PlanStatus

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.patients.models import Patient
    from taperwell.tapering.models import TaperPlan

UNRESOLVED = (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED)


def open_flags(patient: Patient) -> list[Flag]:
    """Flags not yet resolved, the most serious and oldest first."""
    return list(
        Flag.objects.filter(patient=patient, status__in=UNRESOLVED).order_by("rank", "raised_at")
    )


def flags_of(patient: Patient) -> list[Flag]:
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


def can_read_notes(user: User, patient: Patient) -> bool:
    """Clinicians read notes; staff and admins only when their clinic allows it."""
    from taperwell.access import role_of
    from taperwell.clinics.models import CLINICAL_ROLES

    if role_of(user) in CLINICAL_ROLES:
        return True
    return bool(patient.clinic.staff_can_read_clinical_notes)


def notes_of(patient: Patient) -> list[ClinicalNote]:
    return list(
        ClinicalNote.objects.filter(patient=patient)
        .select_related("author")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class SuggestedAction:
    """A flag's suggested action as one click: a pre-filled plan change, or a phone call."""

    label: str
    url: str = ""  # the plan page with the change form filled in
    tel: str = ""  # a tel: address
    missing: str = ""  # why the action cannot be one click (e.g. no phone on file)
    fix_url: str = ""  # where to put that right


def suggested_action(
    flag: Flag, *, plan: TaperPlan | None, patient: Patient
) -> SuggestedAction | None:
    """What the one-click button on a flag does, given the plan in force and the patient's phone."""
    from django.urls import reverse

    if flag.status == FlagStatus.RESOLVED:
        return None
    if flag.action in {"pause", "slow"}:
        if plan is None:
            return None
        if flag.action == "pause" and plan.status == PlanStatus.PAUSED:
            return SuggestedAction(label="", missing="The taper is already paused.")
        decision = "pause" if flag.action == "pause" else "slow-down"
        url = reverse("tapering:plan", args=[plan.public_id])
        return SuggestedAction(
            label="Pause the taper" if decision == "pause" else "Slow down the taper",
            url=f"{url}?decision={decision}&flag={flag.public_id}#change-h",
        )
    if flag.action in {"call", "crisis"}:
        if not patient.phone:
            return SuggestedAction(
                label="",
                missing="No phone number on file.",
                fix_url=reverse("care:record", args=[patient.public_id]) + "#identity-h",
            )
        return SuggestedAction(
            label=f"Call {patient.first_name}: {patient.phone}", tel=patient.phone_tel
        )
    return None


def skill_flag_rule_column() -> Subquery:
    """For a query of patients: the rule of their most pressing open flag that calls for a
    skill (`skills.selectors.suggestion_for(..., flag_rule=)` reads it back), None without one."""
    return Subquery(
        Flag.objects.filter(patient=OuterRef("pk"), status=FlagStatus.OPEN, rule__in=FLAG_NEEDS)
        .order_by("rank", "-raised_at")
        .values("rule")[:1]
    )
