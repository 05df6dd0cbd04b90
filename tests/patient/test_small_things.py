"""Small things on patient pages: numbers that dial with one tap, button names that match their
words, US spelling."""

from __future__ import annotations

import re

import pytest

from taperwell.core.templatetags.phone_links import phone_links, tel
from taperwell.goals.models import Activity, Goal
from taperwell.skills.models import FlarePlan

pytestmark = pytest.mark.django_db


def test_the_footer_clinic_phone_and_emergency_number_are_tel_links(client, patient):
    patient.clinic.phone = "(555) 010-4400"
    patient.clinic.save()
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert '<a href="tel:5550104400">(555) 010-4400</a>' in page
    assert f'<a href="tel:{patient.clinic.emergency_number}">' in page


def test_phone_numbers_in_the_flare_plan_are_tel_links_and_dates_are_not(client, patient):
    FlarePlan.objects.create(
        patient=patient,
        people="My sister Ana: 555-010-2233\nMy neighbor, after 2026-12-05",
        call_clinic_when="Pain over 8 for two days",
    )
    patient.clinic.phone = "(555) 010-4400"
    patient.clinic.save()
    client.force_login(patient.user)
    page = client.get("/skills/flare-plan/").content.decode()
    assert '<a href="tel:5550102233">555-010-2233</a>' in page
    assert "after 2026-12-05" in page
    assert 'Your clinic: <a href="tel:5550104400">' in page
    assert f'<a href="tel:{patient.clinic.crisis_line_number}">' in page


def test_free_text_is_escaped_before_numbers_are_linked():
    html = phone_links('<script>alert(1)</script> call +1 555 010 2233\n"now"')
    assert "<script>" not in html
    assert '<a href="tel:+15550102233">+1 555 010 2233</a>' in html
    assert "<br>" in html
    assert tel("") == ""


def test_the_i_did_this_today_buttons_are_named_by_their_visible_words_first(client, patient):
    goal = Goal.objects.create(patient=patient, title="Play with my grandson")
    Activity.objects.create(patient=patient, goal=goal, title="Sit on the floor for 2 minutes")
    client.force_login(patient.user)
    for url in ("/today/", "/goals/"):
        page = client.get(url).content.decode()
        labels = re.findall(r'aria-label="(I did[^"]*)"', page)
        assert labels, url
        for label in labels:
            assert label.startswith("I did this today"), (url, label)


def test_patient_pages_use_us_spelling(client, patient):
    client.force_login(patient.user)
    skills = client.get("/skills/").content.decode()
    assert "practice any time" in skills
    assert "practise" not in skills
    checkin = client.get("/checkin/").content.decode()
    assert "diarrhea" in checkin
    assert "diarrhoea" not in checkin


def test_a_pause_request_stays_as_a_status_card_on_today_and_my_medicines_until_answered(
    client, patient
):
    from taperwell.tapering.models import PauseRequest
    from tests.patient.test_checkin_response import _plan_in_force

    _plan_in_force(patient)
    client.force_login(patient.user)
    response = client.post("/my-medicines/pause/", {"reason": ""}, follow=True)
    for page in (response.content.decode(), client.get("/today/").content.decode()):
        assert "Your pause request" in page
        assert "You asked for a pause on" in page
        assert "Nothing lowers until you and your care team have talked." in page
    medicines = client.get("/my-medicines/").content.decode()
    assert "Ask for a pause" not in medicines  # asked once; the card says what happens next
    assert re.search(r"at \d{1,2}:\d\d [AP]M\.", medicines)

    PauseRequest.objects.update(status="answered")
    for url in ("/today/", "/my-medicines/"):
        assert "Your pause request" not in client.get(url).content.decode()
    assert "Ask for a pause" in client.get("/my-medicines/").content.decode()


def test_taper_questions_are_asked_only_while_a_plan_is_in_force(client, patient):
    client.force_login(patient.user)
    no_plan = client.get("/my-medicines/").content.decode()
    assert "Why do you want to lower your dose?" not in no_plan
    assert "Ask for a pause" not in no_plan
    assert "You are not tapering now." in no_plan

    patient.status = "maintenance"
    patient.save()
    finished = client.get("/my-medicines/").content.decode()
    assert "Why do you want to lower your dose?" not in finished
    assert "After your taper" in finished

    from tests.patient.test_checkin_response import _plan_in_force

    patient.status = "active"
    patient.save()
    _plan_in_force(patient)
    tapering = client.get("/my-medicines/").content.decode()
    assert "Why do you want to lower your dose?" in tapering
    assert "Ask for a pause" in tapering


def test_every_number_on_the_crisis_page_is_a_tel_link(client, patient):
    client.force_login(patient.user)
    for why in ("", "?why=overdose"):
        page = client.get(f"/help-now/{why}").content.decode()
        text_numbers = re.findall(r"call (?:or text )?(\d{3})\b(?!</a>)", page)
        assert not text_numbers, (why, text_numbers)
        assert f'<a href="tel:{patient.clinic.emergency_number}">' in page
