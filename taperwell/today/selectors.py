"""The patient's Today, composed from the other apps' selectors in one read per request.

Nothing here is kept between requests: each request reads the patient's own rows afresh.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from taperwell.care.selectors import skill_flag_rule_column
from taperwell.checkins import care_links
from taperwell.checkins.selectors import (
    QUESTIONNAIRE_ORDER,
    checkin_on_column,
    clinic_today,
    day_checkin_of,
    last_checkin_day_column,
    last_questionnaire_day_columns,
    questionnaires_due,
    schedule_column,
    schedule_of,
)
from taperwell.core.prepared import Prepared
from taperwell.goals.selectors import (
    dose_milestone,
    first_active_goal_columns,
    first_goal_week_column,
    week_activities_from,
    week_start,
)
from taperwell.medications.dose_cards import cards_context
from taperwell.medications.selectors import (
    active_medications_of,
    dose_of_record,
    load_dose_rows,
    plan_in_force_of,
)
from taperwell.meetings.selectors import group_session_of, next_group_session_column
from taperwell.messaging.selectors import patient_unread_count_column
from taperwell.notifications.selectors import (
    PlanNotice,
    plan_notice_columns,
    plan_notice_of,
    plan_notice_since,
)
from taperwell.patients.models import Patient
from taperwell.patients.phase import checkin_every_days
from taperwell.patients.selectors import care_team_column, care_team_from
from taperwell.skills.selectors import Suggestion, suggestion_for
from taperwell.tapering.selectors import open_pause_request_column

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.checkins.selectors import DayCheckIn
    from taperwell.goals.selectors import Milestone, WeekActivity
    from taperwell.medications.models import PatientMedication
    from taperwell.medications.selectors import DoseOfRecord
    from taperwell.tapering.models import TaperPlan


@dataclass(frozen=True)
class TodayPage:
    """What the Today page shows, read once for one request."""

    patient: Patient
    day: date
    care_team: list[dict[str, str]]  # {"name", "role"}, by role
    plan: TaperPlan | None
    steps: dict[str, Any] | None
    medications: list[PatientMedication]  # the medicine list, shown only without a plan
    record: DoseOfRecord
    doses: dict[str, Any]  # the dose cards and the day's marks
    checkin: DayCheckIn | None
    checkin_every: int
    next_checkin: date | None  # in maintenance: the day the next check-in is asked for
    due: list[str]
    practice: Suggestion
    goal: TodayGoal | None
    milestone: Milestone | None
    session: dict[str, Any] | None
    unread: int
    plan_notice: PlanNotice | None
    pause_request: dict[str, Any] | None  # {"created_at"} of an open pause request

    def as_context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def today_for(patient: Patient, *, user: User) -> TodayPage:
    """The patient's day: doses, the check-in, a practice, their goal, group, messages, team."""
    day = clinic_today(patient.clinic)
    # The dose of record's rows also give the plan in force and the medicine list.
    load_dose_rows(patient)
    plan = plan_in_force_of(patient)
    every = checkin_every_days(patient)
    facts = _facts(patient, user=user, day=day, last_checkin=every > 1)
    checkin = day_checkin_of(facts["checkin"])
    steps = care_links.plan_step_doses(plan, today=day)  # Today shows no step's words
    next_checkin = None
    if every > 1 and checkin is None and facts["last_checkin"]:
        next_checkin = facts["last_checkin"] + timedelta(days=every)
    record = dose_of_record(patient, on=day)
    medications = active_medications_of(patient)
    last_answered = {i: facts[f"last_{i}"] for i in QUESTIONNAIRE_ORDER}
    goal = None
    if facts["goal_id"] is not None:
        goal = TodayGoal(facts["goal_title"], week_activities_from(facts["week"]))
    pause_asked = facts["pause_requested_at"]
    return TodayPage(
        patient=patient,
        day=day,
        care_team=care_team_from(facts["team"]),
        plan=plan,
        steps=steps,
        medications=[] if plan else medications,
        record=record,
        doses=cards_context(patient, record=record, steps=steps, day=day, medications=medications),
        checkin=checkin,
        checkin_every=every,
        next_checkin=next_checkin if next_checkin and next_checkin > day else None,
        due=questionnaires_due(
            patient,
            today=day,
            tapering=plan is not None,
            last=last_answered,
            schedule=schedule_of(facts["schedule"]),
        ),
        practice=suggestion_for(
            patient,
            checkin=checkin,
            today=day,
            checkin_read=True,
            flag_rule=facts["flag_rule"],
            flags_read=True,
        ),
        goal=goal,
        milestone=dose_milestone(plan, steps),
        session=group_session_of(patient, facts["session"]),
        unread=facts["unread"],
        plan_notice=plan_notice_of(facts["notice_title"], facts["notice_body"]),
        pause_request={"created_at": pause_asked} if pause_asked else None,
    )


@dataclass(frozen=True)
class TodayGoal:
    """The goal Today encourages, with this week's steps toward it."""

    title: str
    week_activities: list[WeekActivity]


def _facts(patient: Patient, *, user: User, day: date, last_checkin: bool) -> dict[str, Any]:
    """The page's small facts in one query of the patient's row: the day's check-in, unread
    messages, an open pause request, the first active goal and its steps this week, the latest
    questionnaire days and the clinic's questionnaire schedule, the open flag that calls for a
    skill, the news of a new plan, the next group session, the care team and, when asked
    (maintenance), the latest check-in day. Each app supplies its own columns; the query is
    prepared once per process (its SQL), and read afresh on each request."""
    now = timezone.now()
    facts = _FACTS[last_checkin].first(
        patient=patient.pk,
        user=user.pk,
        clinic=patient.clinic_id,
        day=day,
        week=week_start(day),
        now=now,
        notices_since=plan_notice_since(now),
    )
    if facts is None:
        raise Patient.DoesNotExist(f"patient {patient.pk} is gone")
    return facts


def _facts_query(
    *,
    patient: int,
    user: int,
    clinic: int,
    day: date,
    week: date,
    now: datetime,
    notices_since: datetime,
    last_checkin: bool,
) -> QuerySet[Patient, Any]:
    columns = {
        "checkin": checkin_on_column(day),
        "unread": patient_unread_count_column(user_id=user, clinic_id=clinic),
        "pause_requested_at": open_pause_request_column(),
        "flag_rule": skill_flag_rule_column(),
        **plan_notice_columns(user_id=user, since=notices_since),
        **first_active_goal_columns(),
        "week": first_goal_week_column(today=day, start=week),
        **last_questionnaire_day_columns(),
        "schedule": schedule_column(),
        "session": next_group_session_column(patient_id=patient, clinic_id=clinic, now=now),
        "team": care_team_column(),
    }
    if last_checkin:
        columns["last_checkin"] = last_checkin_day_column()
    return Patient.objects.filter(pk=patient).order_by().values(**columns)


_FACT_SLOTS = {
    "patient": int,
    "user": int,
    "clinic": int,
    "day": date,
    "week": date,
    "now": datetime,
    "notices_since": datetime,
}
# With and without the latest check-in day (asked for in maintenance): two shapes of the query.
_FACTS: dict[bool, Prepared[dict[str, Any]]] = {
    asked: Prepared(functools.partial(_facts_query, last_checkin=asked), **_FACT_SLOTS)
    for asked in (False, True)
}
