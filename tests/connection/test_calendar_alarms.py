"""The calendar page shows the address whole, with a webcal: link and a copy button, and the feed's
timed events remind the patient as they chose: no reminder, 10 or 30 minutes, or 1 hour before."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from taperwell.notifications.models import CalendarFeed
from tests.connection.test_sessions_and_calendar import FEED_ADDRESS, planned_patient  # noqa: F401


def _feed(client, patient, **choices) -> Calendar:
    client.force_login(patient.user)
    page = client.post("/notices/calendar/", {"action": "replace", **choices}, follow=True)
    url = re.search(FEED_ADDRESS, page.content.decode()).group(1)
    client.logout()
    return Calendar.from_ical(client.get(url).content)


def _alarms(cal: Calendar) -> dict[str, list[dt.timedelta]]:
    return {
        str(event["summary"]): [a.decoded("trigger") for a in event.walk("VALARM")]
        for event in cal.walk("VEVENT")
    }


def test_the_address_is_shown_whole_with_a_webcal_link_and_a_copy_button(client, planned_patient):  # noqa: F811
    client.force_login(planned_patient.user)
    page = client.post("/notices/calendar/", {"action": "replace"}, follow=True).content.decode()
    path = re.search(FEED_ADDRESS, page).group(1)
    assert f'href="webcal://testserver{path}"' in page
    assert 'data-copy="feed-address"' in page
    assert "Copy the address" in page
    assert "notifications/copy" in page  # the copy script is a static file, as the CSP wants


def test_by_default_each_timed_event_reminds_ten_minutes_before_and_a_taper_day_does_not(
    client,
    planned_patient,  # noqa: F811
):
    alarms = _alarms(_feed(client, planned_patient))
    for timed in ["Daily check-in", "Morning dose", "Evening dose", "Mindfulness and ACT group"]:
        assert alarms[timed] == [-dt.timedelta(minutes=10)], timed
    assert alarms["Taper step starts"] == []


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("0", []), ("30", [-dt.timedelta(minutes=30)]), ("60", [-dt.timedelta(hours=1)])],
)
def test_the_patient_picks_the_reminder_and_it_is_kept_for_their_feed(
    client,
    planned_patient,  # noqa: F811
    choice,
    expected,
):
    alarms = _alarms(_feed(client, planned_patient, alarm_minutes=choice))
    assert alarms["Evening dose"] == expected
    assert CalendarFeed.objects.get(revoked_at__isnull=True).alarm_minutes == int(choice)


def test_changing_the_reminder_later_keeps_the_same_address(client, planned_patient):  # noqa: F811
    client.force_login(planned_patient.user)
    page = client.post("/notices/calendar/", {"action": "replace"}, follow=True).content.decode()
    url = re.search(FEED_ADDRESS, page).group(1)
    client.post("/notices/calendar/", {"action": "names", "alarm_minutes": "60"})
    client.logout()
    cal = Calendar.from_ical(client.get(url).content)
    assert _alarms(cal)["Daily check-in"] == [-dt.timedelta(hours=1)]


def test_the_reminder_says_no_more_than_the_event(client, planned_patient):  # noqa: F811
    cal = _feed(client, planned_patient)
    for event in cal.walk("VEVENT"):
        for alarm in event.walk("VALARM"):
            assert str(alarm["description"]) == str(event["summary"])
            assert str(alarm["action"]) == "DISPLAY"
