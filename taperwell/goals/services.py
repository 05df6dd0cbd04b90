"""Writing goals, weekly steps, and the days a step was done."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from taperwell.goals.models import (
    Activity,
    ActivityDone,
    ActivityStatus,
    DoneStatus,
    Goal,
    GoalStatus,
)
from taperwell.patients.models import Patient


@transaction.atomic
def goal_create(*, patient: Patient, title: str, why: str = "") -> Goal:
    goal = Goal(patient=patient, title=title.strip(), why=why.strip())
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_set_status(*, patient: Patient, goal: Goal, status: str) -> Goal:
    if goal.patient_id != patient.pk:
        raise ValueError("That goal belongs to someone else.")
    goal.status = status
    goal.full_clean()
    goal.save(update_fields=["status", "updated_at"])
    if status != GoalStatus.ACTIVE:
        goal.activities.filter(status=ActivityStatus.ACTIVE).update(status=ActivityStatus.RETIRED)
    return goal


@transaction.atomic
def goal_mark_entered_in_error(*, patient: Patient, goal: Goal, reason: str) -> Goal:
    """A goal added by mistake is kept, marked, with the why; its steps leave the weekly plan."""
    if not reason.strip():
        raise ValidationError("Say what was wrong with it.")
    goal = goal_set_status(patient=patient, goal=goal, status=GoalStatus.ENTERED_IN_ERROR)
    goal.error_reason = reason.strip()[:500]
    goal.save(update_fields=["error_reason"])
    return goal


@transaction.atomic
def activity_create(*, patient: Patient, goal: Goal, title: str, times_per_week: int) -> Activity:
    if goal.patient_id != patient.pk:
        raise ValueError("That goal belongs to someone else.")
    activity = Activity(
        patient=patient, goal=goal, title=title.strip(), times_per_week=times_per_week
    )
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_mark_done(*, patient: Patient, activity: Activity, day: date) -> ActivityDone:
    """Record that the step was done on `day`; doing it twice the same day records it once."""
    if activity.patient_id != patient.pk:
        raise ValueError("That activity belongs to someone else.")
    existing = ActivityDone.objects.filter(
        activity=activity, day=day, status=DoneStatus.CURRENT
    ).first()
    if existing is not None:
        return existing
    done = ActivityDone(patient=patient, activity=activity, day=day)
    done.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            done.save()
    except IntegrityError:
        return ActivityDone.objects.get(activity=activity, day=day, status=DoneStatus.CURRENT)
    return done


@transaction.atomic
def activity_done_mark_entered_in_error(
    *, patient: Patient, done: ActivityDone, reason: str
) -> ActivityDone:
    """A step marked done by mistake stays in the record, no longer counted, with the why."""
    if done.patient_id != patient.pk:
        raise ValueError("That entry belongs to someone else.")
    if not reason.strip():
        raise ValidationError("Say what was wrong with it.")
    done.status = DoneStatus.ENTERED_IN_ERROR
    done.error_reason = reason.strip()[:500]
    done.save(update_fields=["status", "error_reason"])
    return done
