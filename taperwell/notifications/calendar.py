"""The patient's private iCalendar (RFC 5545) feed.

Times carry the patient's time zone (TZID with a VTIMEZONE), so a phone in another zone still
shows the dose at the right moment. By default no medicine names appear: "Evening dose",
"Taper step". A patient may choose to see the names.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from taperwell.notifications.models import CalendarFeed
from taperwell.notifications.schedule import dose_slots, plan_schedule, preference_for, zone_for

PRODID = "-//taperwell//calendar feed//EN"


def _event(uid: str, summary: str, start: dt.datetime | dt.date, **extra: object) -> Event:
    event = Event()
    event.add("uid", f"{uid}@taperwell")
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    event.add("dtstart", start)
    for name, value in extra.items():
        event.add(name, value)
    return event


def feed_calendar(feed: CalendarFeed) -> bytes:
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
            "Daily check-in",
            start,
            duration=dt.timedelta(minutes=10),
            rrule={"freq": "daily"},
            url=f"{site}/today/",
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
            )
        )
    for step in plan_schedule(patient).steps:
        step_day = step.start
        if step_day < today:
            continue
        summary = "Taper step starts"
        if feed.show_drug_names and step.text:
            summary = f"Taper step: {step.text}"
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
            )
        )
    cal.add_missing_timezones()
    return cal.to_ical()
