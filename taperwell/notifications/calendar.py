"""The patient's private iCalendar (RFC 5545) feed.

Times carry the patient's time zone (TZID with a VTIMEZONE), so a phone in another zone still
shows the dose at the right moment. By default no medicine names appear: "Evening dose",
"Taper step". A patient may choose to see the names. Timed events (check-in, doses, group
sessions) carry the reminder the patient picked (none, 10, 30 or 60 minutes before); a taper step
is a whole-day event and has none (an alarm "10 minutes before" a day would ring the night before).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from taperwell.notifications.models import CalendarFeed
from taperwell.notifications.schedule import dose_slots, plan_schedule, preference_for, zone_for
from taperwell.tapering.wording import steps_in_language

PRODID = "-//taperwell//calendar feed//EN"


def _event(
    uid: str, summary: str, start: dt.datetime | dt.date, alarm_minutes: int = 0, **extra: object
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@taperwell")
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    event.add("dtstart", start)
    for name, value in extra.items():
        event.add(name, value)
    if alarm_minutes:
        # The reminder the patient picked (RFC 5545 section 3.6.6), with the event's own words, so
        # it says no more than the event does (no medicine names unless the patient chose them).
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -dt.timedelta(minutes=alarm_minutes))
        event.add_component(alarm)
    return event


def feed_calendar(feed: CalendarFeed) -> bytes:
    """The feed, its event names in the patient's language."""
    from taperwell.core.language import language_for_patient

    with translation.override(language_for_patient(feed.patient)):
        return _feed_calendar(feed)


def _feed_calendar(feed: CalendarFeed) -> bytes:
    patient = feed.patient
    pref = preference_for(patient.user)
    zone = zone_for(patient, pref)
    today = timezone.now().astimezone(zone).date()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{patient.clinic.name}")
    cal.add("x-wr-timezone", str(zone))
    site = settings.SITE_URL.rstrip("/")

    start = dt.datetime.combine(today, pref.checkin_time, tzinfo=zone)
    cal.add_component(
        _event(
            f"checkin-{patient.public_id}",
            _("Daily check-in"),
            start,
            duration=dt.timedelta(minutes=10),
            rrule={"freq": "daily"},
            url=f"{site}/today/",
            alarm_minutes=feed.alarm_minutes,
        )
    )
    for slot in dose_slots(patient, pref, today):
        name = slot.label
        if feed.show_drug_names and slot.detail:
            name = f"{slot.label}: {slot.detail}"
        cal.add_component(
            _event(
                f"dose-{slot.at:%H%M}-{patient.public_id}",
                name,
                dt.datetime.combine(today, slot.at, tzinfo=zone),
                duration=dt.timedelta(minutes=10),
                rrule={"freq": "daily"},
                alarm_minutes=feed.alarm_minutes,
            )
        )
    steps = plan_schedule(patient).steps
    documents = [step.document for step in steps]
    # With medicine names shown: the step's words in the language active now (the patient's),
    # worded again from its doses. Without, the events show no step's words to word.
    worded = (
        steps_in_language({"steps": documents}, language=translation.get_language())["steps"]
        if feed.show_drug_names
        else documents
    )
    for step, document in zip(steps, worded, strict=True):
        step_day = step.start
        if step_day < today:
            continue
        summary = _("Taper step starts")
        if feed.show_drug_names and step.text:
            summary = _("Taper step: %(step)s") % {"step": document.get("text", step.text)}
        cal.add_component(
            _event(
                f"step-{step_day}-{patient.public_id}",
                summary,
                step_day,
                dtend=step_day + dt.timedelta(days=1),
            )
        )
    from taperwell.meetings.models import Rsvp, RsvpStatus

    for rsvp in Rsvp.objects.filter(
        patient=patient,
        status=RsvpStatus.GOING,
        session__cancelled_at__isnull=True,
        session__starts_at__gte=timezone.now() - dt.timedelta(days=30),
    ).select_related("session"):
        session = rsvp.session
        begins = session.starts_at.astimezone(zone)
        cal.add_component(
            _event(
                f"session-{session.public_id}",
                session.title,
                begins,
                dtend=begins + dt.timedelta(minutes=session.duration_minutes),
                location=session.where_text(),
                url=f"{site}/sessions/{session.public_id}/",
                alarm_minutes=feed.alarm_minutes,
            )
        )
    cal.add_missing_timezones()
    return cal.to_ical()
