"""Today's lines for the next group session and unread messages, and the "25% lower" milestone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from taperwell.checkins.selectors import clinic_today
from taperwell.goals.selectors import mme_drop_percent
from taperwell.meetings.models import GroupSession, Rsvp
from taperwell.messaging.models import Message, MessageRead, Thread
from taperwell.tapering.models import TaperPlan

pytestmark = pytest.mark.django_db

QUARTER = "Your daily dose is a quarter lower than when you began."


def _session(clinic, title, hours_from_now, **fields):
    return GroupSession.objects.create(
        clinic=clinic,
        title=title,
        kind="mindfulness",
        starts_at=timezone.now() + dt.timedelta(hours=hours_from_now),
        place="in_person",
        location="Room 2",
        **fields,
    )


def _plan(patient, *, baseline, now_mme):
    today = clinic_today(patient.clinic)
    steps = [
        {
            "index": 0,
            "start_date": str(today - dt.timedelta(days=30)),
            "end_date": str(today - dt.timedelta(days=15)),
            "mme_per_day": baseline,
            "text": "Oxycodone 30 mg twice a day.",
        },
        {
            "index": 1,
            "start_date": str(today - dt.timedelta(days=14)),
            "end_date": None,
            "mme_per_day": now_mme,
            "text": "Oxycodone 20 mg twice a day.",
        },
    ]
    return TaperPlan.objects.create(
        patient=patient,
        status="approved",
        schedule={"baseline_mme_per_day": baseline, "steps": steps},
        approved_at=timezone.now(),
    )


def test_today_shows_the_session_the_patient_is_going_to_before_an_earlier_one(
    client, clinic, patient
):
    _session(clinic, "Gentle movement", 2)
    mine = _session(clinic, "Mindful Monday", 50)
    Rsvp.objects.create(session=mine, patient=patient, status="going")
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert "Next group: Mindful Monday" in page
    assert f"/sessions/{mine.public_id}/" in page
    # The start in the clinic's time zone, as the page words it.
    local = mine.starts_at.astimezone(zoneinfo.ZoneInfo(clinic.time_zone))
    assert f"Mindful Monday, {date_format(local, 'l, F j, g:i A')}" in page
    assert "You&#x27;re going" in page or "You're going" in page


def test_today_offers_the_next_session_not_turned_down_and_skips_cancelled_ones(
    client, clinic, patient
):
    no = _session(clinic, "Pain school", 1)
    Rsvp.objects.create(session=no, patient=patient, status="not_going")
    _session(clinic, "Cancelled group", 2, cancelled_at=timezone.now())
    _session(clinic, "Tuesday circle", 3)
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert "Next group: Tuesday circle" in page
    assert "Pain school" not in page
    assert "Cancelled group" not in page
    assert "You&#x27;re going" not in page


def test_today_says_when_no_session_is_planned(client, other_clinic, patient):
    _session(other_clinic, "Another clinic's group", 2)
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert "None planned yet." in page
    assert "Another clinic" not in page


def test_today_counts_the_unread_messages_from_the_care_team(client, clinician, patient):
    thread = Thread.objects.create(
        clinic=patient.clinic,
        patient=patient,
        subject="Your next step",
        started_by=clinician,
        last_message_at=timezone.now(),
    )
    sent = [
        Message.objects.create(thread=thread, sender=clinician, from_patient=False, body=f"n{i}")
        for i in range(3)
    ]
    Message.objects.create(thread=thread, sender=patient.user, from_patient=True, body="mine")
    MessageRead.objects.create(message=sent[0], reader=patient.user)
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert "2 new messages from your care team" in page
    assert 'href="/messages/"' in page


def test_today_says_no_new_messages_when_all_are_read(client, patient):
    client.force_login(patient.user)
    assert "No new messages" in client.get("/today/").content.decode()


def test_a_dose_a_quarter_lower_is_celebrated_on_today_and_the_goals_page(client, patient):
    _plan(patient, baseline=90, now_mme=67.5)
    client.force_login(patient.user)
    assert QUARTER in client.get("/today/").content.decode()
    assert QUARTER in client.get("/goals/").content.decode()


def test_a_dose_less_than_a_quarter_lower_is_not_yet_a_milestone(client, patient):
    _plan(patient, baseline=90, now_mme=70)
    client.force_login(patient.user)
    assert QUARTER not in client.get("/today/").content.decode()
    assert QUARTER not in client.get("/goals/").content.decode()


def test_the_drop_is_read_from_the_current_approved_step_only():
    class Plan:
        schedule = {"baseline_mme_per_day": 60}

    assert mme_drop_percent(Plan(), {"current": {"mme_per_day": 45}}) == 25
    assert mme_drop_percent(Plan(), {"current": None}) is None  # not started yet
    assert mme_drop_percent(None, {"current": {"mme_per_day": 45}}) is None
    Plan.schedule = {"baseline_mme_per_day": 0}
    assert mme_drop_percent(Plan(), {"current": {"mme_per_day": 0}}) is None
    Plan.schedule = {}
    assert mme_drop_percent(Plan(), {"current": {"mme_per_day": 45}}) is None
