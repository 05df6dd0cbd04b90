"""What the reminder sweep reads, loaded for a chunk of patients at once.

One query per kind of data for the whole chunk, so a sweep costs a fixed number of queries per
chunk instead of a dozen per patient. Each reader keeps the meaning of the one-patient read it
replaces (same filters, same "latest first" order); apps that are not installed read as nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from taperwell.checkins.models import CheckIn, EntryStatus, QuestionnaireResponse
from taperwell.checkins.selectors import last_checkin_days, schedules_for
from taperwell.medications.selectors import naloxone_expiries
from taperwell.notifications.models import Preference
from taperwell.notifications.schedule import zone_for
from taperwell.patients.models import Patient, PatientStatus

if TYPE_CHECKING:
    from taperwell.meetings.models import Rsvp
    from taperwell.messaging.models import Message
    from taperwell.tapering.models import TaperPlan

log = logging.getLogger(__name__)

SESSIONS_SINCE = dt.timedelta(days=1)
MESSAGES_SINCE = dt.timedelta(days=3)


@dataclass
class Facts:
    """One patient's state, as far as reminders are concerned."""

    pref: Preference
    checkin_days: set[dt.date] = field(default_factory=set)
    last_checkin: dt.date | None = None  # read only for patients in maintenance
    last_questionnaires: dict[str, dt.date] = field(default_factory=dict)  # by instrument
    # the clinic's questionnaire schedule: instrument → (every how many days, only while tapering)
    questionnaire_schedule: dict[str, tuple[int, bool]] = field(default_factory=dict)
    naloxone_expiry: dt.date | None = None
    plan: TaperPlan | None = None  # the taper plan in force
    rsvps: list[Rsvp] = field(default_factory=list)  # with their sessions
    unread: list[Message] = field(default_factory=list)  # from the care team, with threads


def facts_for(
    patients: Sequence[Patient],
    *,
    now: dt.datetime,
    prefs: dict[int, Preference] | None = None,
) -> dict[int, Facts]:
    """Facts by patient id. `prefs` (by patient id) saves reading preferences already at hand."""
    if prefs is None:
        prefs = _preferences(patients)
    facts = {p.pk: Facts(pref=prefs[p.pk]) for p in patients}
    if not patients:
        return facts
    ids = [p.pk for p in patients]
    for patient_id, day in _checkins(patients, prefs, now):
        facts[patient_id].checkin_days.add(day)
    in_maintenance = [p.pk for p in patients if p.status == PatientStatus.MAINTENANCE]
    for patient_id, day in last_checkin_days(in_maintenance).items():
        facts[patient_id].last_checkin = day
    for patient_id, instrument, day in _last_questionnaires(ids):
        facts[patient_id].last_questionnaires[instrument] = day
    schedules = schedules_for({p.clinic_id for p in patients})
    for p in patients:
        facts[p.pk].questionnaire_schedule = schedules[p.clinic_id]
    for patient_id, day in naloxone_expiries(ids).items():
        facts[patient_id].naloxone_expiry = day
    for patient_id, plan in _plans_in_force(patients).items():
        facts[patient_id].plan = plan
    for rsvp in _rsvps(ids):
        facts[rsvp.patient_id].rsvps.append(rsvp)
    for message in _unread_messages(ids):
        facts[message.thread.patient_id].unread.append(message)
    return facts


def _preferences(patients: Sequence[Patient]) -> dict[int, Preference]:
    saved: dict[int | None, Preference] = {
        p.user_id: p for p in Preference.objects.filter(user__in=[p.user for p in patients])
    }
    return {p.pk: saved.get(p.user_id) or Preference(user=p.user) for p in patients}


def local_days(patient: Patient, pref: Preference, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """Yesterday and today where the patient is: the days the sweep looks at."""
    today = now.astimezone(zone_for(patient, pref)).date()
    return today - dt.timedelta(days=1), today


def _checkins(
    patients: Sequence[Patient], prefs: dict[int, Preference], now: dt.datetime
) -> list[tuple[int, dt.date]]:
    wanted: set[tuple[int, dt.date]] = set()
    for patient in patients:
        try:
            wanted.update((patient.pk, day) for day in local_days(patient, prefs[patient.pk], now))
        except (KeyError, ValueError):  # a zone that does not exist: the sweep logs it
            continue
    if not wanted:
        return []
    # Across time zones the chunk's "yesterday and today" span at most three dates.
    rows = CheckIn.objects.filter(
        patient_id__in={pid for pid, _ in wanted},
        day__in={day for _, day in wanted},
        status=EntryStatus.CURRENT,
    ).values_list("patient_id", "day")
    return [row for row in rows if row in wanted]


def _last_questionnaires(ids: list[int]) -> list[tuple[int, str, dt.date]]:
    return list(
        QuestionnaireResponse.objects.filter(patient_id__in=ids, status=EntryStatus.CURRENT)
        .order_by()
        .values("patient_id", "instrument")
        .annotate(last=Max("day"))
        .values_list("patient_id", "instrument", "last")
    )


def _plans_in_force(patients: Sequence[Patient]) -> dict[int, TaperPlan]:
    from taperwell.tapering.selectors import plans_in_force

    try:
        return plans_in_force(p.pk for p in patients)
    except Exception:
        if len(patients) > 1:
            raise  # the sweep reads this chunk again one patient at a time
        # A plan we cannot read must never stop this patient's other reminders.
        log.exception("could not read the taper plan of patient %s", patients[0].pk)
        return {}


def _rsvps(ids: list[int]) -> list[Rsvp]:
    from taperwell.meetings.models import Rsvp, RsvpStatus

    return list(
        Rsvp.objects.filter(
            patient_id__in=ids,
            status=RsvpStatus.GOING,
            session__cancelled_at__isnull=True,
            session__starts_at__gt=timezone.now() - SESSIONS_SINCE,
        )
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )


def _unread_messages(ids: list[int]) -> list[Message]:
    """The care team's messages of the last days that the patient has not opened."""
    from taperwell.messaging.models import Message, MessageRead

    read_by_patient = MessageRead.objects.filter(
        message=OuterRef("pk"), reader=OuterRef("thread__patient__user")
    )
    return list(
        Message.objects.filter(
            thread__patient_id__in=ids,
            from_patient=False,
            created_at__gte=timezone.now() - MESSAGES_SINCE,
            retracted_at__isnull=True,
        )
        .exclude(Exists(read_by_patient))
        .select_related("thread")
        .order_by("created_at", "id")
    )
