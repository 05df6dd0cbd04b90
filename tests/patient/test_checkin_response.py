"""After saving, the check-in answers what it heard: a hard day gets help one tap away."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from taperwell.checkins.response import HARD_DAY_AT_LEAST, HARD_DAY_AT_MOST, checkin_response
from taperwell.checkins.selectors import clinic_today
from taperwell.tapering.models import TaperPlan
from tests.patient.test_checkin import answers

pytestmark = pytest.mark.django_db

HARD_DAY = {"pain": "8", "withdrawal": "8", "sleep": "2", "mood": "3"}
OFFERS = ("Breathe slowly with me", "Open my flare plan", "Send my care team a message")


def _plan_in_force(patient, status="approved"):
    today = clinic_today(patient.clinic)
    step = {
        "index": 0,
        "start_date": str(today - dt.timedelta(days=7)),
        "end_date": None,
        "mme_per_day": 60,
        "text": "Oxycodone 20 mg twice a day.",
    }
    return TaperPlan.objects.create(
        patient=patient,
        status=status,
        schedule={"baseline_mme_per_day": 60, "steps": [step]},
        approved_at=timezone.now(),
    )


def test_a_saved_check_in_leads_to_a_response_screen_not_back_to_today(client, patient):
    client.force_login(patient.user)
    response = client.post("/checkin/", answers())
    assert response["Location"] == "/checkin/saved/"


def test_a_hard_day_offers_the_pacer_the_flare_plan_a_message_and_a_pause(client, patient):
    _plan_in_force(patient)
    client.force_login(patient.user)
    page = client.post("/checkin/", answers(**HARD_DAY), follow=True).content.decode()
    assert "That sounds like a hard day" in page
    for offer in OFFERS:
        assert offer in page
    assert "I need a pause" in page
    assert 'action="/my-medicines/pause/"' in page


def test_a_hard_day_without_a_plan_in_force_does_not_offer_a_pause(client, patient):
    client.force_login(patient.user)
    page = client.post("/checkin/", answers(**HARD_DAY), follow=True).content.decode()
    for offer in OFFERS:
        assert offer in page
    assert "I need a pause" not in page


def test_a_paused_plan_is_not_offered_a_second_pause(client, patient):
    _plan_in_force(patient, status="paused")
    client.force_login(patient.user)
    page = client.post("/checkin/", answers(pain="9"), follow=True).content.decode()
    assert "Breathe slowly with me" in page
    assert "I need a pause" not in page


def test_an_ordinary_day_gets_a_short_honest_word_and_no_offers(client, patient):
    client.force_login(patient.user)
    page = client.post("/checkin/", answers(), follow=True).content.decode()
    assert "Thank you. Your check-in is saved." in page
    assert "hard day" not in page
    assert "Breathe slowly with me" not in page


@pytest.mark.parametrize(
    ("answer", "value", "hard"),
    [
        ("pain", 7, True),
        ("pain", 6, False),
        ("withdrawal", 7, True),
        ("withdrawal", 6, False),
        ("sleep", 3, True),
        ("sleep", 4, False),
        ("mood", 3, True),
        ("mood", 4, False),
    ],
)
def test_a_hard_day_starts_exactly_at_its_cut_point(answer, value, hard):
    ordinary = {"pain": 4, "withdrawal": 2, "sleep": 6, "mood": 6}
    checkin = type("Answers", (), {**ordinary, answer: value})()
    assert checkin_response(checkin).hard_day is hard
    assert (answer in checkin_response(checkin).reasons) is hard
    assert answer in HARD_DAY_AT_LEAST or answer in HARD_DAY_AT_MOST


def test_the_response_screen_without_a_check_in_today_sends_the_patient_to_the_form(
    client, patient
):
    client.force_login(patient.user)
    response = client.get("/checkin/saved/")
    assert response["Location"] == "/checkin/"


def test_the_response_screen_is_for_patients_only(client, clinician):
    assert client.get("/checkin/saved/").status_code == 302
    client.force_login(clinician)
    assert client.get("/checkin/saved/").status_code in {403, 404}


def test_the_response_screen_refuses_a_post(client, patient):
    client.force_login(patient.user)
    assert client.post("/checkin/saved/").status_code == 405


def test_missing_answers_are_listed_at_the_top_with_a_link_to_each_question(client, patient):
    client.force_login(patient.user)
    page = client.post("/checkin/", answers(mood="", self_harm="", prn_doses="")).content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary, "no error summary"
    links = re.findall(r'href="#([^"]+)"', summary.group(0))
    assert links == ["id_mood_0", "id_prn_doses", "id_self_harm_0"]
    for target in links:
        assert f'id="{target}"' in page
    assert page.index("error-summary") < page.index('class="checkin-form"')
