"""Questionnaires, my medicines and pause request, goals, progress and Today."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from taperwell.care.models import Flag
from taperwell.checkins.models import (
    QuestionnaireResponse,
    QuestionnaireSchedule,
    TaperReasons,
)
from taperwell.checkins.selectors import clinic_today, questionnaires_due
from taperwell.goals.models import ActivityDone, Goal

pytestmark = pytest.mark.django_db


def phq9(item9: int) -> dict:
    data = {f"item_{n}": "1" for n in range(1, 9)}
    data.update({"item_9": str(item9), "item_10": "1", "idempotency_key": str(uuid.uuid4())})
    return data


def test_a_phq9_is_scored_and_stored_item_by_item_with_its_version(client, patient):
    client.force_login(patient.user)
    response = client.post("/questionnaires/phq9/", phq9(0))
    assert response.status_code == 302
    stored = QuestionnaireResponse.objects.get(patient=patient)
    assert stored.answers == [1, 1, 1, 1, 1, 1, 1, 1, 0, 1]
    assert stored.total == 8
    assert stored.band == "mild"
    assert stored.instrument_version == "Kroenke 2001"
    assert stored.flags == []


def test_phq9_item_9_above_0_shows_the_crisis_screen_and_raises_an_urgent_flag(client, patient):
    client.force_login(patient.user)
    response = client.post("/questionnaires/phq9/", phq9(1), follow=True)
    assert response.redirect_chain[-1][0] == "/help-now/"
    assert 'If you are in danger right now, call <a href="tel:911">911</a>.' in (
        response.content.decode()
    )
    flag = Flag.objects.get(patient=patient, rule="self-harm")
    assert (flag.severity, flag.source) == ("urgent", "questionnaire")
    # The day month first, as the triage list beside it writes days ("Dec 6").
    assert flag.reason.endswith(f"answered 1 on {flag.day:%b} {flag.day.day}")


def test_a_double_submitted_questionnaire_is_stored_once(client, patient):
    client.force_login(patient.user)
    data = phq9(0)
    client.post("/questionnaires/phq9/", data)
    client.post("/questionnaires/phq9/", data)
    assert QuestionnaireResponse.objects.filter(patient=patient).count() == 1


def test_a_questionnaire_with_a_missing_answer_comes_back_with_the_answers_kept(client, patient):
    client.force_login(patient.user)
    data = phq9(0)
    del data["item_3"]
    response = client.post("/questionnaires/phq9/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please choose an answer for this question." in page
    assert 'value="1" required id="id_item_2_1" checked' in page
    assert not QuestionnaireResponse.objects.exists()


def test_peg_is_due_weekly_and_phq9_every_four_weeks_and_a_clinic_can_change_it(patient):
    today = clinic_today(patient.clinic)
    assert questionnaires_due(patient, today=today, tapering=False) == ["peg", "phq9", "gad7"]
    assert "sows" in questionnaires_due(patient, today=today, tapering=True)
    for instrument, answers in (("peg", [5, 5, 5]), ("phq9", [0] * 9), ("gad7", [0] * 7)):
        QuestionnaireResponse.objects.create(
            patient=patient,
            instrument=instrument,
            instrument_version="v",
            day=today - timedelta(days=8),
            answers=answers,
            total=0,
        )
    assert questionnaires_due(patient, today=today, tapering=False) == ["peg"]
    QuestionnaireSchedule.objects.create(clinic=patient.clinic, instrument="phq9", every_days=7)
    QuestionnaireSchedule.objects.create(
        clinic=patient.clinic, instrument="peg", every_days=7, active=False
    )
    assert questionnaires_due(patient, today=today, tapering=False) == ["phq9"]


def test_a_patient_asks_for_a_pause_and_the_care_team_gets_a_flag(client, patient):
    client.force_login(patient.user)
    response = client.post("/my-medicines/pause/", {"reason": "Bad week at home"}, follow=True)
    assert "Your care team has your request to pause" in response.content.decode()
    flag = Flag.objects.get(patient=patient, rule="pause-request")
    assert "Bad week at home" in flag.reason


def test_the_patients_reasons_are_saved_and_shown_in_their_words(client, patient):
    client.force_login(patient.user)
    client.post("/my-medicines/reasons/", {"reasons": "To think clearly again."})
    assert TaperReasons.objects.get(patient=patient).reasons == "To think clearly again."
    assert "To think clearly again." in client.get("/my-medicines/").content.decode()


def test_empty_reasons_come_back_with_a_message(client, patient):
    client.force_login(patient.user)
    response = client.post("/my-medicines/reasons/", {"reasons": ""})
    assert response.status_code == 200
    assert "Please write a few words" in response.content.decode()


def test_a_goal_and_a_step_are_added_and_the_step_marked_done_once_a_day(client, patient):
    client.force_login(patient.user)
    client.post("/goals/", {"title": "Play on the floor with my grandson", "why": ""})
    goal = Goal.objects.get(patient=patient)
    client.post(
        f"/goals/{goal.public_id}/steps/", {"title": "Sit on the floor", "times_per_week": "3"}
    )
    step = goal.activities.get()
    client.post(f"/goals/steps/{step.public_id}/done/")
    client.post(f"/goals/steps/{step.public_id}/done/")
    assert ActivityDone.objects.filter(activity=step).count() == 1
    page = client.get("/goals/").content.decode()
    assert "Done 1 time of 3 this week" in page
    assert "You took your first small step toward a goal." in page
    assert "Sit on the floor" in client.get("/today/").content.decode()


def test_a_goal_without_words_comes_back_with_a_message(client, patient):
    client.force_login(patient.user)
    response = client.post("/goals/", {"title": "  ", "why": "kept words"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please write a few words about your goal." in page
    assert "kept words" in page


def test_a_patient_cannot_add_steps_to_someone_elses_goal(client, patient, other_patient):
    from taperwell.goals.services import goal_create

    theirs = goal_create(patient=other_patient, title="Theirs")
    client.force_login(patient.user)
    response = client.post(
        f"/goals/{theirs.public_id}/steps/", {"title": "x", "times_per_week": "1"}
    )
    assert response.status_code == 404


def test_today_offers_the_check_in_until_it_is_done(client, patient):
    client.force_login(patient.user)
    assert "Check in now" in client.get("/today/").content.decode()
    from taperwell.checkins.models import CheckIn

    CheckIn.objects.create(
        patient=patient,
        day=clinic_today(patient.clinic),
        pain=1,
        sleep=1,
        mood=1,
        withdrawal=1,
        craving=1,
    )
    assert "Done for today" in client.get("/today/").content.decode()


def test_navigation_points_my_medicines_to_the_patients_page(client, patient):
    client.force_login(patient.user)
    assert 'href="/my-medicines/"' in client.get("/today/").content.decode()
