"""Group sessions (RSVP, capacity, attendance) and the private calendar feed."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from taperwell.meetings.models import Attendance, GroupSession, Rsvp
from taperwell.notifications.models import CalendarFeed, Preference
from taperwell.notifications.reminders import reminders_due
from taperwell.tapering.models import TaperPlan
from tests import factories


def _session(clinic, **fields):
    values = {
        "title": "Mindfulness and ACT group",
        "kind": "mindfulness",
        "starts_at": (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0),
        "place": "video",
        "video_url": "https://video.example/room",
        "capacity": 1,
    }
    return GroupSession.objects.create(clinic=clinic, **(values | fields))


def test_staff_add_a_weekly_session_in_the_clinic_time_zone(client, clinic, counsellor):
    client.force_login(counsellor)
    response = client.post(
        "/sessions/new/",
        {
            "title": "Mindfulness and ACT group",
            "kind": "mindfulness",
            "description": "",
            "starts_at": "2030-03-05T18:00",
            "duration_minutes": 60,
            "place": "in_person",
            "location": "Room 2",
            "video_url": "",
            "capacity": 10,
            "weeks": 4,
        },
    )
    assert response.status_code == 302
    sessions = list(GroupSession.objects.order_by("starts_at"))
    assert len(sessions) == 4
    assert sessions[0].starts_at == dt.datetime(2030, 3, 5, 23, 0, tzinfo=dt.UTC)  # 18:00 EST
    # The clocks change on 10 March 2030: the group stays at 18:00 on the wall clock.
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert [s.starts_at.astimezone(new_york).strftime("%d %H:%M") for s in sessions] == [
        "05 18:00",
        "12 18:00",
        "19 18:00",
        "26 18:00",
    ]


def test_a_full_session_refuses_one_more_and_staff_mark_attendance(
    client, clinic, patient, other_patient, counsellor
):
    session = _session(clinic)
    client.force_login(patient.user)
    client.post(f"/sessions/{session.public_id}/rsvp/", {"going": "yes"})
    page = client.get(f"/sessions/{session.public_id}/").content.decode()
    assert "You're going" in page
    assert "https://video.example/room" in page
    client.force_login(other_patient.user)
    response = client.post(f"/sessions/{session.public_id}/rsvp/", {"going": "yes"}, follow=True)
    assert "this session is full" in response.content.decode()
    assert "https://video.example/room" not in response.content.decode()
    assert Rsvp.objects.filter(status="going").count() == 1
    client.force_login(counsellor)
    # Attendance is marked once the session has begun.
    GroupSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=5)
    )
    client.post(f"/sessions/{session.public_id}/attendance/", {"present": [patient.pk]})
    assert Attendance.objects.get(patient=patient).attended is True


def test_another_clinic_cannot_see_or_join_our_session(client, clinic, stranger_patient):
    session = _session(clinic)
    client.force_login(stranger_patient.user)
    assert session.title not in client.get("/sessions/").content.decode()
    assert client.get(f"/sessions/{session.public_id}/").status_code == 404
    assert client.post(f"/sessions/{session.public_id}/rsvp/", {"going": "yes"}).status_code == 404


def _plan(patient):
    today = timezone.localdate()
    morphine = {
        "drug": "morphine",
        "release": "ER",
        "form": "tablet",
        "daily_dose": 30,
        "unit": "mg",
        "administrations": {
            "08:00": [{"strength": 15, "count": 1}],
            "20:00": [{"strength": 15, "count": 1}],
        },
    }
    steps = [
        {
            "index": 0,
            "start_date": str(today - dt.timedelta(days=10)),
            "end_date": str(today + dt.timedelta(days=4)),
            "medications": [morphine],
            "text": "Morphine ER 15 mg twice a day",
            "paused": False,
        },
        {
            "index": 1,
            "start_date": str(today + dt.timedelta(days=5)),
            "end_date": None,
            "medications": [morphine],
            "text": "Morphine ER 15 mg in the morning only",
            "paused": False,
        },
    ]
    return TaperPlan.objects.create(
        patient=patient,
        status="approved",
        schedule={"steps": steps},
        approved_at=timezone.now(),
    )


# The address is shown once, whole, in the page (with a copy button and a webcal: link).
FEED_ADDRESS = r'id="feed-address"[^>]*>http://testserver([^<]+)<'


@pytest.fixture
def planned_patient(clinic, patient, client):
    _plan(patient)
    Preference.objects.create(user=patient.user, time_zone="America/Chicago")
    session = _session(clinic, capacity=5)
    Rsvp.objects.create(session=session, patient=patient, status="going")
    return patient


def test_the_calendar_feed_is_valid_in_the_patients_zone_and_names_no_medicine(
    client, planned_patient, monkeypatch
):
    from taperwell.notifications import calendar

    worded = []
    words_again = calendar.steps_in_language

    def wording(steps, **kwargs):
        worded.append(steps)
        return words_again(steps, **kwargs)

    monkeypatch.setattr(calendar, "steps_in_language", wording)
    client.force_login(planned_patient.user)
    response = client.post("/notices/calendar/", {"action": "replace"}, follow=True)
    url = re.search(FEED_ADDRESS, response.content.decode()).group(1)
    client.logout()  # calendar apps do not sign in
    feed = client.get(url)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    text = feed.content.decode()
    cal = Calendar.from_ical(feed.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert {
        "Daily check-in",
        "Morning dose",
        "Evening dose",
        "Taper step starts",
        "Mindfulness and ACT group",
    } <= set(events)
    assert "morphine" not in text.lower()
    # The steps were not worded again for a feed that shows none of their words.
    assert worded == []
    dose = events["Evening dose"].decoded("dtstart")
    assert str(dose.tzinfo) == "America/Chicago"
    assert dose.hour == 20
    assert "TZID=America/Chicago" in text
    assert any(str(tz["tzid"]) == "America/Chicago" for tz in cal.walk("VTIMEZONE"))
    session_start = events["Mindfulness and ACT group"].decoded("dtstart")
    assert session_start == GroupSession.objects.get().starts_at


def test_a_patient_may_choose_to_see_medicine_names(client, planned_patient):
    client.force_login(planned_patient.user)
    response = client.post(
        "/notices/calendar/", {"action": "replace", "show_drug_names": "on"}, follow=True
    )
    url = re.search(FEED_ADDRESS, response.content.decode()).group(1)
    assert "morphine" in client.get(url).content.decode().lower()


def test_a_revoked_or_replaced_feed_address_is_not_found(client, planned_patient):
    client.force_login(planned_patient.user)
    first = client.post("/notices/calendar/", {"action": "replace"}, follow=True)
    old = re.search(FEED_ADDRESS, first.content.decode()).group(1)
    second = client.post("/notices/calendar/", {"action": "replace"}, follow=True)
    new = re.search(FEED_ADDRESS, second.content.decode()).group(1)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    client.post("/notices/calendar/", {"action": "revoke"})
    assert client.get(new).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0


def test_the_next_step_is_announced_two_days_before_in_plain_words(planned_patient):
    pref = Preference.objects.get(user=planned_patient.user)
    now = timezone.now() + dt.timedelta(days=3)
    due = [d for d in reminders_due(planned_patient, pref, now) if d.kind == "taper_step"]
    assert len(due) == 1
    start = dt.date.fromisoformat(TaperPlan.objects.get().schedule["steps"][1]["start_date"])
    assert due[0].at.date() == start - dt.timedelta(days=2)
    assert "in the morning only" in due[0].body


def test_quiet_hours_hold_a_reminder_but_not_a_dose(clinic):
    patient = factories.make_patient(clinic)
    pref = Preference.objects.create(
        user=patient.user,
        time_zone="UTC",
        checkin_time=dt.time(6, 30),
        dose_times="06:00",
        quiet_start=dt.time(22),
        quiet_end=dt.time(7),
    )
    now = dt.datetime(2030, 1, 2, 12, 0, tzinfo=dt.UTC)
    due = {d.key: d for d in reminders_due(patient, pref, now)}
    assert due["checkin:2030-01-02"].at.hour == 7
    assert due["dose:2030-01-02:06:00"].at.hour == 6
