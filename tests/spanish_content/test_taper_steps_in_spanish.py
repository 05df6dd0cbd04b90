"""The patient's pages show the plan's steps in the patient's language, worded again from the
stored doses; staff pages and English readers keep the stored English words."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.utils import timezone, translation

from taperwell.checkins.selectors import clinic_today
from taperwell.clinical.cli_taper import schedule_document
from taperwell.clinical.taper import plan_taper
from taperwell.tapering.models import TaperPlan
from taperwell.tapering.wording import steps_in_language
from tests.clinical.test_taper_helpers import med, policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_plan(patient):
    start = clinic_today(patient.clinic) - dt.timedelta(days=3)
    schedule = plan_taper([med("oxycodone ER", t0800=30, t2000=30)], start, policy(10, 28))
    return TaperPlan.objects.create(
        patient=patient,
        status="approved",
        schedule=schedule_document(schedule),
        approved_at=timezone.now(),
    )


def _page(client, url, headers):
    return html.unescape(client.get(url, **headers).content.decode())


# Today shows dose cards built from the dose of record, not the step sentence.
@pytest.mark.parametrize("url", ["/my-medicines/"])
def test_a_spanish_reader_sees_this_step_and_the_next_in_spanish(
    client, patient, approved_plan, reads_spanish, url
):
    client.force_login(patient.user)
    page = _page(client, url, reads_spanish)
    assert "A partir del " in page
    assert "tableta ER de " in page
    assert approved_plan.schedule["steps"][0]["text"] not in page


# Today shows dose cards built from the dose of record, not the step sentence.
@pytest.mark.parametrize("url", ["/my-medicines/"])
def test_an_english_reader_sees_the_stored_english_words(client, patient, approved_plan, url):
    client.force_login(patient.user)
    page = _page(client, url, {})
    assert approved_plan.schedule["steps"][0]["text"] in page
    assert "A partir del " not in page


def test_the_clinicians_plan_page_keeps_the_english_words(
    client, clinician, patient, approved_plan, reads_spanish
):
    client.force_login(clinician)
    page = _page(client, f"/clinic/taper-plans/{approved_plan.public_id}/", reads_spanish)
    assert approved_plan.schedule["steps"][0]["text"] in page
    assert "A partir del " not in page


def test_a_stored_step_the_core_cannot_read_keeps_its_english_words():
    step = {"index": 0, "start_date": "2027-01-04", "text": "Oxycodone 30 mg twice a day."}
    steps = {"current": step, "next": None, "steps": [step], "paused": False}
    assert steps_in_language(steps, language="es")["current"]["text"] == step["text"]


def test_the_current_and_next_steps_are_the_worded_ones(approved_plan):
    from taperwell.tapering.selectors import plan_steps_for_patient

    today = clinic_today(approved_plan.patient.clinic)
    worded = steps_in_language(plan_steps_for_patient(approved_plan, today=today), language="es")
    assert worded["current"]["text"].startswith("A partir del ")
    assert worded["next"]["text"].startswith("A partir del ")
    assert worded["current"] is worded["steps"][0]


def test_a_spanish_readers_calendar_names_the_coming_steps_in_spanish(
    patient, approved_plan, reads_spanish
):
    from icalendar import Calendar

    from taperwell.notifications.calendar import feed_calendar
    from taperwell.notifications.models import CalendarFeed
    from taperwell.notifications.services import calendar_feed_replace

    calendar_feed_replace(patient=patient, show_drug_names=True)
    feed = CalendarFeed.objects.get(patient=patient, revoked_at__isnull=True)
    events = Calendar.from_ical(feed_calendar(feed)).walk("VEVENT")
    steps = [str(e["summary"]) for e in events if str(e["uid"]).startswith("step-")]
    assert steps, "the plan's coming steps are in the feed"
    assert all("A partir del " in s and "From " not in s for s in steps), steps


def test_a_spanish_readers_own_pdf_words_the_next_change_in_spanish(
    client, patient, approved_plan, reads_spanish
):
    from django.urls import reverse

    from taperwell.reports.pdf import patient_summary_html
    from taperwell.reports.summary import visit_summary

    client.force_login(patient.user)
    response = client.get(reverse("reports:my_summary"), {"sections": ["medicines", "plan"]})
    assert response["Content-Type"] == "application/pdf"
    with translation.override("es"):
        page = html.unescape(patient_summary_html(visit_summary(patient, sections=["plan"])))
    assert "A partir del " in page
    assert approved_plan.schedule["steps"][1]["text"] not in page
