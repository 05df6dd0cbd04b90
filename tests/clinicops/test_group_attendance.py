"""Group sessions: attendance for any member of the group once a session has begun, and the
day's sessions stay on the list all day."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from taperwell.meetings.models import Attendance, GroupSession, Rsvp

pytestmark = pytest.mark.django_db


def _session(clinic, starts_at, **fields):
    values = {
        "title": "Mindfulness and ACT group",
        "kind": "mindfulness",
        "starts_at": starts_at.replace(microsecond=0),
        "place": "in_person",
        "capacity": 10,
    }
    return GroupSession.objects.create(clinic=clinic, **(values | fields))


def test_staff_mark_a_member_who_came_without_saying_so(
    client, clinic, patient, other_patient, counsellor
):
    session = _session(clinic, timezone.now() - dt.timedelta(minutes=20))
    Rsvp.objects.create(session=session, patient=patient, status="going")
    client.force_login(counsellor)
    page = client.get(f"/sessions/{session.public_id}/").content.decode()
    assert other_patient.full_name in page
    client.post(f"/sessions/{session.public_id}/attendance/", {"present": [other_patient.pk]})
    marks = {a.patient_id: a.attended for a in Attendance.objects.filter(session=session)}
    assert marks == {other_patient.pk: True, patient.pk: False}


def test_attendance_cannot_be_marked_before_the_session_begins(client, clinic, patient, counsellor):
    session = _session(clinic, timezone.now() + dt.timedelta(hours=2))
    Rsvp.objects.create(session=session, patient=patient, status="going")
    client.force_login(counsellor)
    response = client.post(
        f"/sessions/{session.public_id}/attendance/", {"present": [patient.pk]}, follow=True
    )
    assert not Attendance.objects.exists()
    assert "once the session has begun" in response.content.decode()
    page = client.get(f"/sessions/{session.public_id}/").content.decode()
    assert "Save attendance" not in page


def test_a_patient_of_another_clinic_cannot_be_marked_present(
    client, clinic, patient, counsellor, stranger_patient
):
    session = _session(clinic, timezone.now() - dt.timedelta(minutes=5))
    client.force_login(counsellor)
    client.post(f"/sessions/{session.public_id}/attendance/", {"present": [stranger_patient.pk]})
    assert not Attendance.objects.filter(patient=stranger_patient).exists()


def _a_zone_where_the_day_is_under_way():
    """A US time zone where it is now between 05:00 and 23:00, so "4 hours ago" is today."""
    for name in ("America/New_York", "America/Los_Angeles", "Pacific/Honolulu", "Pacific/Guam"):
        if 5 <= timezone.now().astimezone(zoneinfo.ZoneInfo(name)).hour < 23:
            return name
    raise AssertionError("one of these zones is always in its day")


def test_a_session_stays_on_the_list_for_the_whole_day(client, clinic, patient):
    clinic.time_zone = _a_zone_where_the_day_is_under_way()
    clinic.save()
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    now = timezone.now().astimezone(zone)
    _session(clinic, now - dt.timedelta(hours=4), title="Morning gentle movement")
    start_of_day = dt.datetime.combine(now.date(), dt.time(0, 0), tzinfo=zone)
    _session(clinic, start_of_day - dt.timedelta(hours=2), title="The evening group before")
    client.force_login(patient.user)
    page = client.get("/sessions/").content.decode()
    assert "Morning gentle movement" in page
    assert "The evening group before" not in page
