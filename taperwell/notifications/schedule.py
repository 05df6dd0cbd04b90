"""What a patient's days look like: time zone, dose times, taper steps. Shared by the reminder
job and the calendar feed. The taper plan is read through the tapering selectors; a plan that cannot
be read is logged and left out, so one patient's plan never stops everyone's reminders."""

from __future__ import annotations

import datetime as dt
import logging
import re
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from taperwell.notifications.models import Preference
from taperwell.patients.models import Patient
from taperwell.tapering.models import PlanStatus
from taperwell.tapering.selectors import (
    PlanSchedule,
    PlanStep,
    current_plan,
    plan_steps_for_patient,
    schedule_of,
)

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.tapering.models import TaperPlan

log = logging.getLogger(__name__)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def preference_for(user: User) -> Preference:
    pref = Preference.objects.filter(user=user).first()
    return pref if pref is not None else Preference(user=user)


def zone_for(patient: Patient, pref: Preference) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(pref.time_zone or patient.clinic.time_zone)


def parse_times(text: str) -> list[dt.time]:
    times = []
    for part in re.split(r"[,\s]+", text.strip()):
        match = _TIME.match(part)
        if match:
            times.append(dt.time(int(match.group(1)), int(match.group(2))))
    return sorted(set(times))


def _plan_of(patient: Patient) -> TaperPlan | None:
    try:
        return current_plan(patient)
    except Exception:  # a plan we cannot read must never stop everyone's reminders
        log.exception("could not read the taper plan of patient %s", patient.pk)
        return None


def plan_steps(patient: Patient, today: dt.date) -> dict[str, Any] | None:
    return steps_of(_plan_of(patient), patient, today)


def steps_of(plan: TaperPlan | None, patient: Patient, today: dt.date) -> dict[str, Any] | None:
    """Where the patient is on a plan already loaded (the sweep loads a whole chunk's at once)."""
    if plan is None:
        return None
    try:
        return plan_steps_for_patient(plan, today=today)
    except Exception:  # a plan we cannot read must never stop everyone's reminders
        log.exception("could not read the taper plan of patient %s", patient.pk)
        return None


# What a dose reminder is called, by part of the day (taperwell.clinical.taper_text.part_of_day).
DOSE_LABELS = {
    "morning": gettext_lazy("Morning dose"),
    "afternoon": gettext_lazy("Afternoon dose"),
    "evening": gettext_lazy("Evening dose"),
    "bedtime": gettext_lazy("Bedtime dose"),
}


def dose_label(time_text: str) -> str:
    """ "Evening dose", in the language active now (the patient's, for reminders)."""
    from taperwell.clinical.taper_text import part_of_day

    return str(DOSE_LABELS[part_of_day(time_text)])


def plan_schedule(patient: Patient) -> PlanSchedule:
    """The approved schedule in force (empty without a plan, or when it cannot be read)."""
    plan = _plan_of(patient)
    try:
        return schedule_of(plan)
    except Exception:  # a plan we cannot read must never stop everyone's reminders
        log.exception("could not read the taper plan of patient %s", patient.pk)
        return schedule_of(None)


def upcoming_step(plan: TaperPlan | None, patient: Patient, today: dt.date) -> PlanStep | None:
    """The next approved step of a plan already loaded: none while the plan is paused."""
    if plan is None:
        return None
    try:
        schedule = schedule_of(plan)
    except Exception:  # a plan we cannot read must never stop everyone's reminders
        log.exception("could not read the taper plan of patient %s", patient.pk)
        return None
    if plan.status == PlanStatus.PAUSED or schedule.ends_paused:
        return None
    return schedule.following(today)


@dataclass(frozen=True)
class DoseSlot:
    at: dt.time
    label: str  # "Evening dose": never a drug name
    detail: str  # the medicines, for the patient's own eyes only


def _step_slots(step: dict[str, Any]) -> list[DoseSlot]:
    by_time: dict[str, list[str]] = {}
    for medication in step.get("medications", []):
        for time_text in medication.get("administrations", {}):
            by_time.setdefault(time_text, []).append(str(medication.get("drug", "")))
    slots = []
    for time_text, drugs in by_time.items():
        parsed = parse_times(time_text)
        if parsed:
            label = dose_label(time_text)
            slots.append(DoseSlot(parsed[0], label, ", ".join(sorted(set(drugs)))))
    return sorted(slots, key=lambda s: s.at)


def dose_slots(patient: Patient, pref: Preference, day: dt.date) -> list[DoseSlot]:
    """The plan's times when a plan is in force, otherwise the times the patient gave us."""
    return slots_from(plan_steps(patient, day), pref)


def slots_from(steps: dict[str, Any] | None, pref: Preference) -> list[DoseSlot]:
    """`dose_slots` from steps already read."""
    if steps and steps.get("current"):
        slots = _step_slots(steps["current"])
        if slots:
            return slots
    return [DoseSlot(t, dose_label(t.strftime("%H:%M")), "") for t in parse_times(pref.dose_times)]


def next_step(patient: Patient, today: dt.date) -> dict[str, Any] | None:
    return step_after(plan_steps(patient, today))


def step_after(steps: dict[str, Any] | None) -> dict[str, Any] | None:
    """`next_step` from steps already read: none while the plan is paused."""
    if not steps or steps.get("paused"):
        return None
    return steps.get("next")


def at_local(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone)


def in_quiet_hours(moment: dt.datetime, pref: Preference) -> bool:
    start, end, t = pref.quiet_start, pref.quiet_end, moment.timetz().replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end


def after_quiet_hours(moment: dt.datetime, pref: Preference) -> dt.datetime:
    """`moment`, or the end of the quiet hours it falls in (same zone)."""
    if not in_quiet_hours(moment, pref):
        return moment
    end = moment.replace(
        hour=pref.quiet_end.hour, minute=pref.quiet_end.minute, second=0, microsecond=0
    )
    if end <= moment:
        end += dt.timedelta(days=1)
    return end
