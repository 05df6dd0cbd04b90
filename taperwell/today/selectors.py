"""The patient's Today, composed from the other apps' selectors in one read per request.

Nothing here is kept between requests: each request reads the patient's own rows afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from taperwell.checkins import care_links
from taperwell.checkins.selectors import (
    checkin_on,
    clinic_today,
    last_checkin_days,
    questionnaires_due,
)
from taperwell.goals.models import GoalStatus
from taperwell.goals.selectors import dose_milestone, goals_with_week
from taperwell.medications.dose_cards import cards_context
from taperwell.medications.selectors import (
    active_medications_of,
    dose_of_record,
    load_dose_rows,
    plan_in_force_of,
)
from taperwell.patients.phase import checkin_every_days
from taperwell.patients.selectors import care_team_of
from taperwell.tapering.selectors import plan_change_notice

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.patients.models import Patient


@dataclass(frozen=True)
class TodayPage:
    """What the Today page shows, read once for one request."""

    patient: Patient
    day: date
    care_team: list[Any]
    plan: Any  # tapering.models.TaperPlan | None
    steps: dict[str, Any] | None
    medications: list[Any]  # the medicine list, shown only without a plan
    record: Any  # medications.selectors.DoseOfRecord
    doses: dict[str, Any]  # the dose cards and the day's marks
    checkin: Any  # checkins.models.CheckIn | None
    checkin_every: int
    next_checkin: date | None  # in maintenance: the day the next check-in is asked for
    due: list[str]
    practice: dict[str, Any] | None
    goal: Any  # goals.models.Goal | None
    milestone: Any  # goals.selectors.Milestone | None
    session: dict[str, Any] | None
    unread: int
    plan_notice: Any  # notifications.models.Notification | None
    pause_request: Any  # tapering.models.PauseRequest | None

    def as_context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def today_for(patient: Patient, *, user: User) -> TodayPage:
    """The patient's day: doses, the check-in, a practice, their goal, group, messages, team."""
    day = clinic_today(patient.clinic)
    # The dose of record's rows also give the plan in force and the medicine list.
    load_dose_rows(patient)
    plan = plan_in_force_of(patient)
    checkin = checkin_on(patient, day)
    goals = [g for g in goals_with_week(patient, today=day) if g.status == GoalStatus.ACTIVE]
    steps = care_links.plan_steps(plan, today=day)
    every = checkin_every_days(patient)
    next_checkin = None
    if every > 1 and checkin is None:
        last = last_checkin_days([patient.pk]).get(patient.pk)
        next_checkin = last + timedelta(days=every) if last else None
    record = dose_of_record(patient, on=day)
    medications = active_medications_of(patient)
    return TodayPage(
        patient=patient,
        day=day,
        care_team=care_team_of(patient),
        plan=plan,
        steps=steps,
        medications=[] if plan else medications,
        record=record,
        doses=cards_context(patient, record=record, steps=steps, day=day, medications=medications),
        checkin=checkin,
        checkin_every=every,
        next_checkin=next_checkin if next_checkin and next_checkin > day else None,
        due=questionnaires_due(patient, today=day, tapering=plan is not None),
        practice=care_links.suggested_practice(patient, checkin=checkin, checkin_read=True),
        goal=goals[0] if goals else None,
        milestone=dose_milestone(plan, steps),
        session=care_links.next_group_session(patient),
        unread=care_links.unread_messages(user),
        plan_notice=plan_change_notice(user),
        pause_request=care_links.open_pause_request(patient),
    )
