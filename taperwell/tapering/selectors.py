"""Reads of taper plans: the plan in force, where the patient is on it, and dose-change dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery

from taperwell.medications.selectors import dose_of_record, plan_in_force_of
from taperwell.tapering.models import (
    IN_FORCE,
    PauseRequest,
    PauseRequestStatus,
    PlanStatus,
    TaperPlan,
)

# The typed schedule: import it from here.
from taperwell.tapering.schedule import PlanSchedule as PlanSchedule
from taperwell.tapering.schedule import PlanStep as PlanStep
from taperwell.tapering.schedule import schedule_of as schedule_of

if TYPE_CHECKING:
    from taperwell.patients.models import Patient


def current_plan(patient: Patient) -> TaperPlan | None:
    """The approved or paused plan in force (the latest approved one)."""
    if hasattr(patient, "dose_plans"):  # read already in this request (`load_dose_rows`)
        return plan_in_force_of(patient)
    return plans_in_force([patient.pk]).get(patient.pk)


def plans_in_force(patient_ids: Iterable[int]) -> dict[int, TaperPlan]:
    """`current_plan` for many patients in one query (the reminder sweep reads a chunk)."""
    plans: dict[int, TaperPlan] = {}
    rows = TaperPlan.objects.filter(patient_id__in=list(patient_ids), status__in=IN_FORCE)
    for plan in rows.order_by("patient_id", "-approved_at", "-pk"):
        plans.setdefault(plan.patient_id, plan)
    return plans


def plan_steps_for_patient(plan: TaperPlan | None, *, today: date) -> dict[str, Any]:
    """The approved snapshot only: this step, the next one, all steps, and whether it is paused.

    Each step is the stored `cli_taper.step_document` with its plain-words "text" (templates and
    the API show it as approved); read dates and numbers through `schedule_of`.
    """
    if plan is None or not plan.schedule:
        return {"current": None, "next": None, "steps": [], "paused": False}
    schedule = schedule_of(plan)
    current = schedule.step_on(today)
    following = schedule.following(today)
    paused = plan.status == PlanStatus.PAUSED or schedule.ends_paused
    return {
        "current": current.document if current else None,
        "next": following.document if following else None,
        "steps": [step.document for step in schedule.steps],
        "paused": paused,
    }


def step_position(plan: TaperPlan | None, *, today: date) -> tuple[int, int] | None:
    """(k, n): on step k of n, counting only steps that change the dose."""
    if plan is None or not plan.schedule:
        return None
    schedule = schedule_of(plan)
    current = schedule.step_on(today)
    if current is None:
        return (0, len(schedule.steps))
    return (current.position + 1, len(schedule.steps))


def dose_change_dates(patient: Patient) -> list[date]:
    """Start dates of approved steps that changed a dose (for the bump rules)."""
    plans = TaperPlan.objects.filter(
        patient=patient, status__in=(*IN_FORCE, PlanStatus.COMPLETED)
    ).only("schedule")
    days: set[date] = set()
    for plan in plans:
        days.update(schedule_of(plan).dose_change_days())
    return sorted(days)


def plans_of(patient: Patient) -> list[TaperPlan]:
    return list(
        TaperPlan.objects.filter(patient=patient)
        .select_related("created_by", "approved_by")
        .order_by("-created_at")
    )


def scheduled_mme_of_record(patient: Patient, *, on: date) -> Decimal | None:
    """Today's scheduled MME/day from the dose of record (as-needed doses are never planned,
    so they are left out on both sides when a plan's first dose is compared with it)."""
    return dose_of_record(patient, on=on).scheduled_mme_per_day


@dataclass(frozen=True)
class StartingPoint:
    """What a new draft is planned from: the dose of record on the day it is drafted."""

    regimen: list[dict[str, Any]]
    source: str  # "plan": the approved step in force; "medicines": the medicine list
    since: date | None  # since when the patient takes it
    texts: tuple[str, ...] = ()  # each scheduled line in plain words


def draft_starting_point(patient: Patient, *, on: date) -> StartingPoint:
    """A new draft starts from the dose of record, never from a pre-taper medicine list."""
    dose = dose_of_record(patient, on=on)
    planned = [line for line in dose.lines if line.regimen_entry() is not None]
    return StartingPoint(
        regimen=[line.regimen_entry() for line in planned],  # type: ignore[misc]
        source=str(dose.source),
        since=dose.since,
        texts=tuple(line.text for line in planned),
    )


def open_pause_request_column() -> Subquery:
    """For a query of patients: when their latest pause request that no clinician has answered
    yet was made (None: no open request), as `checkins.care_links.open_pause_request` finds it."""
    return Subquery(
        PauseRequest.objects.filter(patient=OuterRef("pk"), status=PauseRequestStatus.OPEN)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
