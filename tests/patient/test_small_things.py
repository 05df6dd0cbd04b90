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
