"""Reads of goals and weekly steps, and the milestones worth celebrating."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, gettext_lazy

from taperwell.core.json_rows import json_rows
from taperwell.core.prepared import Prepared
from taperwell.goals.models import (
    Activity,
    ActivityDone,
    ActivityStatus,
    DoneStatus,
    Goal,
    GoalStatus,
)
from taperwell.patients.models import Patient
from taperwell.tapering.selectors import schedule_of

if TYPE_CHECKING:
    from taperwell.tapering.models import TaperPlan


def week_start(day: date) -> date:
    """Weeks start on Monday."""
    return day - timedelta(days=day.weekday())


def _active_activities_query(patient: int) -> QuerySet[Activity]:
    return Activity.objects.filter(
        patient_id=patient, status=ActivityStatus.ACTIVE, goal__status=GoalStatus.ACTIVE
    ).select_related("goal")


# Read on every check-in, shown and saved: its SQL is written once per process.
_ACTIVE_ACTIVITIES: Prepared[Activity] = Prepared(_active_activities_query, patient=int)


def active_activities(patient: Patient) -> list[Activity]:
    """The patient's steps toward their active goals, each with its goal."""
    return _ACTIVE_ACTIVITIES.rows(patient=patient.pk)


def goals_with_week(patient: Patient, *, today: date) -> list[Goal]:
    """Active and reached goals; each activity carries `done_this_week` and `done_today`."""
    return list(
        Goal.objects.filter(patient=patient, status__in=[GoalStatus.ACTIVE, GoalStatus.REACHED])
        .prefetch_related(
            Prefetch("activities", queryset=_week_activities(today), to_attr="week_activities")
        )
        .order_by("status", "created_at")
    )


def _week_activities(today: date, *, start: date | None = None) -> QuerySet[Activity]:
    start = week_start(today) if start is None else start
    # In the model's order, said outright: Django leaves Meta.ordering out of a query that
    # groups (the counts), and PostgreSQL then gives the steps in any order.
    return (
        Activity.objects.filter(status=ActivityStatus.ACTIVE)
        .annotate(
            done_this_week=Count(
                "done",
                filter=Q(
                    done__status=DoneStatus.CURRENT, done__day__gte=start, done__day__lte=today
                ),
            ),
            done_today=Count("done", filter=Q(done__status=DoneStatus.CURRENT, done__day=today)),
        )
        .order_by("created_at", "id")
    )


def first_active_goal_columns() -> dict[str, Subquery]:
    """For a query of patients: `goal_id` and `goal_title` of their first active goal (the
    one Today encourages), None without one."""
    goals = Goal.objects.filter(patient=OuterRef("pk"), status=GoalStatus.ACTIVE).order_by(
        "created_at", "id"
    )
    return {
        "goal_id": Subquery(goals.values("id")[:1]),
        "goal_title": Subquery(goals.values("title")[:1]),
    }


@dataclass(frozen=True)
class WeekActivity:
    """A step toward a goal as Today shows it, with the times it was done this week and today."""

    pk: int
    public_id: UUID
    title: str
    times_per_week: int
    done_this_week: int
    done_today: int


def first_goal_week_column(*, today: date, start: date) -> Subquery:
    """For a query of patients: the active steps of their first active goal (the one
    `first_active_goal_columns` gives), each with the times it was done from `start` (the week's
    Monday) to `today` and on `today`, as one JSON column (`week_activities_from` reads it
    back): what `week_activities_of` reads, in the query Today already makes."""
    first_goal = (
        Goal.objects.filter(patient=OuterRef(OuterRef("pk")), status=GoalStatus.ACTIVE)
        .order_by("created_at", "id")
        .values("id")[:1]
    )

    def done(**days: date) -> Coalesce:
        counted = (
            ActivityDone.objects.filter(activity=OuterRef("pk"), status=DoneStatus.CURRENT, **days)
            .order_by()
            .values("activity")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted), 0, output_field=IntegerField())

    return json_rows(
        Activity.objects.filter(goal=Subquery(first_goal), status=ActivityStatus.ACTIVE),
        by="goal",
        id="id",
        public_id="public_id",
        title="title",
        times_per_week="times_per_week",
        # Only to put the steps in the model's order: one database writes every time the same
        # way, so the text sorts as the times do.
        created_at="created_at",
        done_this_week=done(day__gte=start, day__lte=today),
        done_today=done(day=today),
    )


def week_activities_from(rows: list[dict[str, Any]] | None) -> list[WeekActivity]:
    """`first_goal_week_column`'s steps, in the order of `Activity`'s Meta (created, then id)."""
    return [
        WeekActivity(
            pk=row["id"],
            public_id=UUID(str(row["public_id"])),
            title=row["title"],
            times_per_week=row["times_per_week"],
            done_this_week=row["done_this_week"],
            done_today=row["done_today"],
        )
        for row in sorted(rows or (), key=_created_then_id)
    ]


def _created_then_id(row: dict[str, Any]) -> tuple[datetime, int]:
    # The time is read, not compared as text: SQLite and PostgreSQL write it differently in JSON.
    return datetime.fromisoformat(str(row["created_at"])), row["id"]


def week_activities_of(goal_id: int, *, today: date) -> list[Activity]:
    """One goal's active steps, each with `done_this_week` and `done_today` (one prepared
    query: Today reads it on every visit)."""
    return _WEEK_ACTIVITIES.rows(goal=goal_id, today=today, start=week_start(today))


def _week_activities_query(goal: int, today: date, start: date) -> QuerySet[Activity]:
    return _week_activities(today, start=start).filter(goal_id=goal)


_WEEK_ACTIVITIES: Prepared[Activity] = Prepared(
    _week_activities_query, goal=int, today=date, start=date
)


def done_by_day(patient: Patient, *, since: date) -> dict[date, int]:
    counts: dict[date, int] = {}
    for (day,) in _DONE_DAYS.tuples(patient=patient.pk, since=since):
        counts[day] = counts.get(day, 0) + 1
    return counts


def _done_days_query(*, patient: int, since: date) -> QuerySet[ActivityDone, Any]:
    # Counted by day, so in no order (the model's newest-first would sort them for nothing).
    return (
        ActivityDone.objects.filter(patient_id=patient, status=DoneStatus.CURRENT, day__gte=since)
        .order_by()
        .values("day")
    )


# Compiled once per process (core.prepared): the Progress page reads it on every visit.
_DONE_DAYS = Prepared(_done_days_query, patient=int, since=date)


@dataclass(frozen=True)
class Milestone:
    key: str
    text: str


QUARTER_LOWER_PERCENT = 25
QUARTER_LOWER = Milestone(
    "quarter-lower",
    gettext_lazy("Your daily dose is a quarter lower than when you began."),  # type: ignore[arg-type]
)


def mme_drop_percent(plan: TaperPlan | None, steps: dict[str, Any] | None) -> Decimal | None:
    """How much lower today's approved step is than the plan's starting dose, in percent.

    Read from the clinician-approved plan only: the current step's MME a day against the plan's
    baseline. None before the first step starts, without a plan, or without the numbers.
    """
    current = (steps or {}).get("current")
    if plan is None or not current:
        return None
    try:
        baseline = schedule_of(plan).baseline_mme_per_day
        now = Decimal(str(current["mme_per_day"]))
    except (KeyError, TypeError, InvalidOperation):
        return None
    if baseline is None:
        return None
    if not baseline.is_finite() or not now.is_finite() or baseline <= 0:
        return None
    return (baseline - now) / baseline * 100


def dose_milestone(plan: TaperPlan | None, steps: dict[str, Any] | None) -> Milestone | None:
    drop = mme_drop_percent(plan, steps)
    return QUARTER_LOWER if drop is not None and drop >= QUARTER_LOWER_PERCENT else None


def milestones_for(
    patient: Patient, *, checkin_days: int, mme_drop_percent: Decimal | float | None = None
) -> list[Milestone]:
    """What the patient has reached, in kind words. `checkin_days` counts days with a check-in."""
    reached: list[Milestone] = []
    done = ActivityDone.objects.filter(patient=patient, status=DoneStatus.CURRENT).count()
    if done >= 1:
        reached.append(
            Milestone("first-step", gettext("You took your first small step toward a goal."))
        )
    if done >= 10:
        reached.append(Milestone("ten-steps", gettext("Ten small steps done. They add up.")))
    if checkin_days >= 7:
        reached.append(
            Milestone("week-checkins", gettext("A week of check-ins. Thank you for showing up."))
        )
    if checkin_days >= 30:
        reached.append(
            Milestone(
                "month-checkins", gettext("A month of check-ins. That takes real commitment.")
            )
        )
    if Goal.objects.filter(patient=patient, status=GoalStatus.REACHED).exists():
        reached.append(
            Milestone("goal-reached", gettext("You reached a goal that matters to you."))
        )
    if mme_drop_percent is not None and mme_drop_percent >= QUARTER_LOWER_PERCENT:
        reached.append(QUARTER_LOWER)
    return reached
