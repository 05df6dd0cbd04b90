"""One time format on patient pages, notices and emails: "5:30 PM", never "17:30"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from taperwell.core.clock import clock
from taperwell.messaging.models import Message
from taperwell.notifications.models import Preference
from taperwell.notifications.reminders import reminders_due
from tests import factories


def test_times_of_day_read_the_us_way():
    assert clock(dt.time(17, 30)) == "5:30 PM"
    assert clock(dt.time(8, 5)) == "8:05 AM"
    assert clock(dt.time(0, 0)) == "12:00 AM"
    assert clock(dt.time(12, 0)) == "12:00 PM"


def test_a_dose_reminder_gives_the_time_as_5_30_pm(clinic):
    patient = factories.make_patient(clinic)
    pref = Preference.objects.create(user=patient.user, time_zone="UTC", dose_times="17:30")
    now = dt.datetime(2030, 1, 2, 12, 0, tzinfo=dt.UTC)
    due = {d.key: d for d in reminders_due(patient, pref, now)}
    body = due["dose:2030-01-02:17:30"].body
    assert "at 5:30 PM" in body, body
    assert "17:30" not in body


def test_the_message_pages_give_12_hour_times(client, patient, clinician):
    from taperwell.messaging.models import Thread
    from taperwell.messaging.services import thread_create

    thread = thread_create(patient=patient, sender=patient.user, subject="Hello", body="A question")
    # 22:30 UTC is 5:30 PM in the clinic's zone (New York, in winter).
    late = dt.datetime(2030, 1, 2, 22, 30, tzinfo=dt.UTC)
    Message.objects.filter(thread=thread).update(created_at=late)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=late)
    client.force_login(patient.user)
    for path in [f"/messages/{thread.public_id}/", "/messages/"]:
        page = client.get(path).content.decode()
        assert "Jan 2, 5:30 PM" in page, path
        assert "17:30" not in page, path


def test_a_patient_types_dose_times_as_8_am_and_sees_them_so_again(client, patient):
    client.force_login(patient.user)
    page = client.get("/notices/settings/").content.decode()
    assert "For example 8:00 AM, 8:00 PM." in page
    assert "08:00, 20:00" not in page
    form = {
        "time_zone": "",
        "checkin_time": "09:00",
        "practice_time": "18:00",
        "dose_times": "8 AM, 8:30 p.m.",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        "kinds": ["dose"],
    }
    assert client.post("/notices/settings/", form).status_code == 302
    assert Preference.objects.get(user=patient.user).dose_times == "08:00, 20:30"
    assert 'value="8:00 AM, 8:30 PM"' in client.get("/notices/settings/").content.decode()


def test_a_dose_time_that_is_no_time_is_asked_for_again_in_12_hour_words(client, patient):
    client.force_login(patient.user)
    form = {"checkin_time": "09:00", "practice_time": "18:00", "dose_times": "13 PM"}
    form |= {"quiet_start": "21:00", "quiet_end": "08:00"}
    page = client.post("/notices/settings/", form).content.decode()
    assert "Write times like 8:00 AM, 8:00 PM." in page


def test_the_next_step_reminder_gives_the_day_the_us_way(client, patient):
    import re

    from tests.connection.test_sessions_and_calendar import _plan

    _plan(patient)
    pref = Preference.objects.create(user=patient.user, time_zone="UTC")
    now = timezone.now() + dt.timedelta(days=3)
    (due,) = [d for d in reminders_due(patient, pref, now) if d.kind == "taper_step"]
    assert re.match(r"On [A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2} your next step starts", due.body)


def test_todays_next_group_reads_5_30_pm_in_spanish_too(client, patient):
    from taperwell.meetings.models import GroupSession

    patient.preferred_language = "es"
    patient.save(update_fields=["preferred_language"])
    # 22:30 UTC is 5:30 PM in the clinic's zone (New York, in winter).
    GroupSession.objects.create(
        clinic=patient.clinic,
        title="Respirar juntos",
        kind="mindfulness",
        starts_at=dt.datetime(2030, 1, 2, 22, 30, tzinfo=dt.UTC),
        duration_minutes=60,
        place="video",
    )
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert "Respirar juntos, miércoles 2 de enero, 5:30 PM" in page
    assert "17:30" not in page
