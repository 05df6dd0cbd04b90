"""The triage dashboard: patients ordered by their most serious unacknowledged flag, then age.

Query count does not grow with the panel: one COUNT, one page of patients with their ordering
keys and last check-in as subqueries, and one prefetch each for flags, medicines and plans.
The MME is the dose of record (`medications.selectors.doses_of_record`) read from those
prefetches, so it is the same number the care page, the PDF and the exports show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from taperwell.access import patients_visible_to
from taperwell.care.models import Flag, FlagStatus
from taperwell.care.selectors import UNRESOLVED
from taperwell.medications.selectors import (
    DoseOfRecord,
    dose_medicines_prefetch,
    dose_plans_prefetch,
    doses_of_record,
)
from taperwell.patients.models import Patient, PatientStatus
from taperwell.tapering.models import IN_FORCE, PlanStatus, TaperPlan
from taperwell.tapering.selectors import step_position

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.clinical.guidelines import GuidelinePack


@dataclass(frozen=True)
class Filters:
    mine: bool = False
    rule: str = ""
    paused: bool = False
    quiet_days: int | None = None
    search: str = ""


def _last_checkin() -> Subquery:
    from taperwell.checkins.models import CheckIn, EntryStatus

    return Subquery(
        CheckIn.objects.filter(patient=OuterRef("pk"), status=EntryStatus.CURRENT)
        .order_by("-day")
        .values("day")[:1]
    )


def triage_queryset(user: User, filters: Filters, *, today: date) -> QuerySet[Patient]:
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
    patients = patients.annotate(last_checkin=_last_checkin())
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
    if filters.quiet_days is not None:
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
        dose_medicines_prefetch(),
        dose_plans_prefetch(),
    )


def _plans_in_force(patient: Patient) -> list[TaperPlan]:
    plans = [p for p in patient.dose_plans if p.status in IN_FORCE]
    return sorted(plans, key=lambda p: (p.approved_at is not None, p.approved_at), reverse=True)


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
    # Nothing on the medicine list yet (a new patient): "no medicines yet", never 0 MME.
    no_medicines: bool = False


def _trend(patient: Patient, record: DoseOfRecord) -> tuple[str, str]:
    """The scheduled dose of record against the plan's starting dose."""
    plans = _plans_in_force(patient)
    if not plans or not plans[0].schedule:
        return "", "not on a taper plan"
    baseline = Decimal(str(plans[0].schedule.get("baseline_mme_per_day") or 0))
    now = record.scheduled_mme_per_day if record.from_plan else baseline
    if not baseline or now is None or now == baseline:
        return "→", "no change since the plan began"
    change = (now - baseline) / baseline * 100
    arrow = "↓" if change < 0 else "↑"
    words = f"{'down' if change < 0 else 'up'} {abs(change):.0f}% since the plan began"
    return f"{arrow} {abs(change):.0f}%", words


def _taper_state(patient: Patient, today: date) -> tuple[str, bool]:
    plans = _plans_in_force(patient)
    plan = plans[0] if plans else None
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


def rows_for(page: Sequence[Patient], pack: GuidelinePack, today: date) -> list[Row]:
    rows = []
    records = doses_of_record(page, on=today, pack=pack)
    for patient in page:
        flags = patient.unresolved_flags
        first = flags[0] if flags else None
        record = records[patient.pk]
        mme = record.mme_per_day
        trend, trend_words = _trend(patient, record)
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
                no_medicines=mme is None and not record.lines,
            )
        )
    return rows
