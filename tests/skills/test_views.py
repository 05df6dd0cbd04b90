"""The skills pages for a patient: the list, a practice, logging it, the flare plan."""

from __future__ import annotations

import pytest

from taperwell.audit.models import AuditEvent
from taperwell.skills.models import FlarePlan, PracticeSession

pytestmark = pytest.mark.django_db


def test_the_skills_page_lists_practices_lessons_and_the_flare_plan(client, patient):
    client.force_login(patient.user)
    page = client.get("/skills/").content.decode()
    for title in ("Slow breathing", "Urge surfing", "Body scan", "Pain is a false alarm"):
        assert title in page
    assert "Write my flare plan" in page
    assert "Your practice will show here" in page


def test_the_skills_page_reads_in_a_fixed_number_of_queries(
    client, patient, django_assert_max_num_queries
):
    from taperwell.skills.practices import get_practice
    from taperwell.skills.services import practice_session_log

    for _ in range(5):
        practice_session_log(patient=patient, practice=get_practice("body-scan"), minutes=10)
    client.force_login(patient.user)
    with django_assert_max_num_queries(18):
        assert client.get("/skills/").status_code == 200


def test_a_patient_logs_a_practice_with_before_and_after_ratings(client, patient):
    client.force_login(patient.user)
    response = client.post(
        "/skills/practice/mindful-breathing/",
        {
            "pain_before": "7",
            "distress_before": "6",
            "pain_after": "5",
            "distress_after": "3",
            "minutes": "5",
        },
        follow=True,
    )
    session = PracticeSession.objects.get(patient=patient)
    assert (session.pain_before, session.pain_after) == (7, 5)
    assert (session.distress_before, session.distress_after) == (6, 3)
    assert session.minutes == 5
    assert session.practice_title == "Mindful breathing"
    page = response.content.decode()
    assert "Your pain went from 7 to 5" in page
    assert "5 minutes of practice so far, in 1 session." in page
    assert AuditEvent.objects.filter(patient=patient, what="coping practice").exists()


def test_a_rating_out_of_range_shows_the_form_again_with_the_values_kept(client, patient):
    client.force_login(patient.user)
    response = client.post(
        "/skills/practice/body-scan/", {"pain_before": "14", "pain_after": "3", "minutes": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "less than or equal to 10" in page
    assert "Please say how many minutes" in page
    assert 'value="14"' in page
    assert not PracticeSession.objects.exists()


def test_the_pacer_page_logs_its_session_too(client, patient):
    client.force_login(patient.user)
    response = client.post("/skills/breathe/", {"minutes": "3", "pain_after": "4"})
    assert response.status_code == 302
    assert PracticeSession.objects.get().practice_slug == "breathing-pacer"


def test_an_unknown_practice_is_not_found(client, patient):
    client.force_login(patient.user)
    assert client.get("/skills/practice/no-such-thing/").status_code == 404


def test_the_pacer_practice_address_leads_to_the_pacer(client, patient):
    client.force_login(patient.user)
    assert client.get("/skills/practice/breathing-pacer/")["Location"] == "/skills/breathe/"


def test_a_patient_writes_and_reads_their_flare_plan(client, patient):
    client.force_login(patient.user)
    response = client.post(
        "/skills/flare-plan/edit/",
        {
            "first_steps": "Sit down.\nSlow breathing for 5 minutes.",
            "people": "My sister Ana, 555-0101",
            "call_clinic_when": "The pain is new or I have a fever",
        },
        follow=True,
    )
    plan = FlarePlan.objects.get(patient=patient)
    assert plan.people == "My sister Ana, 555-0101"
    page = response.content.decode()
    assert "Sit down.<br>Slow breathing for 5 minutes." in page
    assert "Print" in page
    # Changing it keeps one plan, not two.
    client.post("/skills/flare-plan/edit/", {"first_steps": "Heat pack."})
    assert FlarePlan.objects.get(patient=patient).first_steps == "Heat pack."


def test_the_flare_plan_is_one_tap_from_the_skills_page(client, patient):
    client.force_login(patient.user)
    assert 'href="/skills/flare-plan/' in client.get("/skills/").content.decode()


def test_a_recording_climbs_the_same_ladder_as_every_page(client, patient, clinician):
    url = "/skills/practice/body-scan/audio/"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(clinician)
    assert client.get(url).status_code == 403
    client.force_login(patient.user)
    assert client.get(url).status_code == 404  # this practice has no recording
    assert client.post(url).status_code == 405
