"""The triage dashboard: patients ordered by their most serious unacknowledged flag, then age.

Query count does not grow with the panel: one COUNT, one page of patients with their ordering
keys and last check-in as subqueries, and one prefetch each for flags, medicines and plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from taperwell.access import patients_visible_to
from taperwell.care.models import Flag, FlagStatus
from taperwell.care.selectors import UNRESOLVED
from taperwell.medications.models import MedicationStatus, PatientMedication
from taperwell.medications.selectors import mme_of
from taperwell.patients.models import Patient, PatientStatus
from taperwell.tapering.models import IN_FORCE, PlanStatus, TaperPlan
from taperwell.tapering.selectors import step_position


@dataclass(frozen=True)
class Filters:
    mine: bool = False
    rule: str = ""
    paused: bool = False
    quiet_days: int | None = None
    search: str = ""


def _last_checkin() -> Subquery | None:
    try:
        from taperwell.checkins.models import CheckIn, EntryStatus
    except ImportError:  # the check-in app is not there: nobody has checked in
        return None
    return Subquery(
        CheckIn.objects.filter(patient=OuterRef("pk"), status=EntryStatus.CURRENT)
        .order_by("-day")
        .values("day")[:1]
    )


def triage_queryset(user: Any, filters: Filters, *, today: date) -> QuerySet[Patient]:
    open_flags = Flag.objects.filter(patient=OuterRef("pk"), status=FlagStatus.OPEN).order_by(
        "rank", "raised_at"
    )
    unresolved = Flag.objects.filter(patient=OuterRef("pk"), status__in=UNRESOLVED).order_by(
        "rank", "raised_at"
    )
    patients = patients_visible_to(user).annotate(
        top_rank=Subquery(open_flags.values("rank")[:1]),
        top_raised=Subquery(open_flags.values("raised_at")[:1]),
        seen_rank=Subquery(unresolved.values("rank")[:1]),
    )
    last = _last_checkin()
    if last is not None:
        patients = patients.annotate(last_checkin=last)
    if filters.mine:
        patients = patients.filter(care_team__member__user=user)
    if filters.rule:
        patients = patients.filter(
            Exists(
                Flag.objects.filter(
                    patient=OuterRef("pk"), rule=filters.rule, status__in=UNRESOLVED
                )
            )
        )
    if filters.paused:
        patients = patients.filter(
            Exists(TaperPlan.objects.filter(patient=OuterRef("pk"), status=PlanStatus.PAUSED))
        )
    if filters.quiet_days is not None and last is not None:
        since = today - timedelta(days=filters.quiet_days)
        patients = patients.filter(Q(last_checkin__lt=since) | Q(last_checkin__isnull=True))
    if filters.search:
        patients = patients.filter(
            Q(full_name__icontains=filters.search) | Q(preferred_name__icontains=filters.search)
        )
    return patients.order_by(
        F("top_rank").asc(nulls_last=True),
        F("top_raised").asc(nulls_last=True),
        F("seen_rank").asc(nulls_last=True),
        "full_name",
    )


def with_row_data(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    return patients.prefetch_related(
        Prefetch(
            "flags",
            queryset=Flag.objects.filter(status__in=UNRESOLVED).order_by(
                "status", "rank", "raised_at"
            ),
            to_attr="unresolved_flags",
        ),
        Prefetch(
            "medications",
            queryset=PatientMedication.objects.filter(status=MedicationStatus.ACTIVE),
            to_attr="active_meds",
        ),
        Prefetch(
            "taper_plans",
            queryset=TaperPlan.objects.filter(status__in=IN_FORCE).order_by("-approved_at"),
            to_attr="plans_in_force",
        ),
    )


@dataclass
class Row:
    patient: Patient
    flag: Flag | None
    other_flags: int
    mme: Decimal | None
    trend: str
    trend_words: str
    last_checkin: date | None
    days_quiet: int | None
    taper_state: str
    paused: bool


def _mme_and_trend(patient: Patient, pack: Any, today: date) -> tuple[Decimal | None, str, str]:
    plan = patient.plans_in_force[0] if patient.plans_in_force else None
    if plan is not None and plan.schedule:
        steps = plan.schedule.get("steps", [])
        baseline = Decimal(str(plan.schedule.get("baseline_mme_per_day", 0)))
        current = None
        for step in steps:
            if date.fromisoformat(step["start_date"]) <= today:
                current = step
        mme = Decimal(str(current["mme_per_day"])) if current else baseline
        if baseline and mme != baseline:
            change = (mme - baseline) / baseline * 100
            arrow = "↓" if change < 0 else "↑"
            words = f"{'down' if change < 0 else 'up'} {abs(change):.0f}% since the plan began"
            return mme, f"{arrow} {abs(change):.0f}%", words
        return mme, "→", "no change since the plan began"
    return mme_of(patient.active_meds, pack), "", "not on a taper plan"


def _taper_state(patient: Patient, today: date) -> tuple[str, bool]:
    plan = patient.plans_in_force[0] if patient.plans_in_force else None
    if plan is None:
        if patient.status == PatientStatus.MAINTENANCE:
            return "Maintenance (taper finished)", False
        return "Not tapering", False
    position = step_position(plan, today=today)
    paused = plan.status == PlanStatus.PAUSED
    if position is None or position[0] == 0:
        words = "Starts soon"
    else:
        words = f"Step {position[0]} of {position[1]}"
    return (f"Paused ({words.lower()})" if paused else words), paused


def rows_for(page: Any, pack: Any, today: date) -> list[Row]:
    rows = []
    for patient in page:
        flags = patient.unresolved_flags
        first = flags[0] if flags else None
        mme, trend, trend_words = _mme_and_trend(patient, pack, today)
        last = getattr(patient, "last_checkin", None)
        state, paused = _taper_state(patient, today)
        rows.append(
            Row(
                patient=patient,
                flag=first,
                other_flags=max(len(flags) - 1, 0),
                mme=mme,
                trend=trend,
                trend_words=trend_words,
                last_checkin=last,
                days_quiet=(today - last).days if last else None,
                taper_state=state,
                paused=paused,
            )
        )
    return rows
