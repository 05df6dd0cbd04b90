"""Safety answers in the check-in: never pre-chosen, never lost, never read as "no"."""

from __future__ import annotations

import re
import uuid

import pytest

from taperwell.api.services import api_token_create
from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn, QuestionnaireResponse
from taperwell.checkins.services import checkin_submit

pytestmark = pytest.mark.django_db


def answers(**changes):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "pain": "6",
        "sleep": "4",
        "mood": "5",
        "withdrawal": "3",
        "craving": "2",
        "activity": "",
        "activity_text": "",
        "prn_doses": "0",
        "self_harm": "no",
        "overdose": "no",
        "naloxone_used": "no",
        "not_prescribed_opioids": "no",
        "note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _checked_radios(page: str, name: str) -> list[str]:
    return [
        tag
        for tag in re.findall(r"<input[^>]*>", page)
        if f'name="{name}"' in tag and "checked" in tag
    ]


SAFETY_QUESTIONS = ("self_harm", "overdose", "naloxone_used", "not_prescribed_opioids")


def test_the_new_check_in_form_has_no_answer_chosen_for_any_safety_question(client, patient):
    client.force_login(patient.user)
    page = client.get("/checkin/").content.decode()
    for name in SAFETY_QUESTIONS:
        assert 'name="' + name + '"' in page, name
        assert _checked_radios(page, name) == [], name
    assert "I&#x27;d rather not say" in page


def test_the_new_check_in_form_does_not_fill_in_extra_doses_or_not_today(client, patient):
    client.force_login(patient.user)
    page = client.get("/checkin/").content.decode()
    prn = re.search(r'<input[^>]*name="prn_doses"[^>]*>', page).group(0)
    assert "value=" not in prn
    assert _checked_radios(page, "activity") == []


@pytest.mark.parametrize("question", SAFETY_QUESTIONS)
def test_a_check_in_that_skips_a_safety_question_is_not_saved_and_asks_kindly(
    client, patient, question
):
    client.force_login(patient.user)
    response = client.post("/checkin/", answers(**{question: None}))
    assert response.status_code == 200
    assert "Please choose an answer." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_check_in_that_leaves_extra_doses_empty_is_not_saved(client, patient):
    client.force_login(patient.user)
    response = client.post("/checkin/", answers(prn_doses=""))
    assert response.status_code == 200
    assert "Please enter a number; put 0 if none." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_rather_not_say_is_not_no_the_care_team_is_told_gently_and_help_is_shown(client, patient):
    client.force_login(patient.user)
    response = client.post("/checkin/", answers(self_harm="skip"), follow=True)
    checkin = CheckIn.objects.get()
    assert checkin.self_harm_thoughts is None
    assert checkin.self_harm_declined is True
    flag = Flag.objects.get(patient=patient, rule="self-harm-not-answered")
    assert flag.severity == "moderate"
    assert flag.source == "check-in"
    assert not Flag.objects.filter(rule="self-harm").exists()
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/help-now/?why=not-answered"
    assert "Call 988" in page
    assert "That is OK" in page


def test_rather_not_say_comes_back_as_rather_not_say_when_the_form_is_opened_again(client, patient):
    client.force_login(patient.user)
    client.post("/checkin/", answers(self_harm="skip"))
    page = client.get("/checkin/").content.decode()
    assert _checked_radios(page, "self_harm") == [
        next(t for t in re.findall(r"<input[^>]*>", page) if 'value="skip"' in t)
    ]


@pytest.mark.parametrize(
    ("question", "rule"), [("overdose", "overdose"), ("naloxone_used", "naloxone-used")]
)
def test_an_overdose_or_naloxone_used_shows_emergency_help_at_once_and_an_urgent_flag(
    client, patient, question, rule
):
    client.force_login(patient.user)
    response = client.post("/checkin/", answers(**{question: "yes"}), follow=True)
    assert getattr(CheckIn.objects.get(), question) is True
    assert response.redirect_chain[-1][0] == "/help-now/?why=overdose"
    page = response.content.decode()
    assert 'call <a href="tel:911">911</a>' in page
    assert "naloxone" in page.lower()
    assert Flag.objects.get(patient=patient, rule=rule).severity == "urgent"


def test_opioids_not_prescribed_are_stored_and_told_to_the_care_team(client, patient):
    client.force_login(patient.user)
    response = client.post("/checkin/", answers(not_prescribed_opioids="yes"))
    assert response.status_code == 302
    assert CheckIn.objects.get().not_prescribed_opioids is True
    assert Flag.objects.get(patient=patient, rule="non-prescribed-opioids").severity == "high"


def test_a_key_another_patient_used_still_saves_a_check_in_with_self_harm(
    client, patient, other_patient
):
    key = uuid.uuid4()
    checkin_submit(
        patient=other_patient,
        idempotency_key=key,
        pain=1,
        sleep=1,
        mood=5,
        withdrawal=0,
        craving=0,
    )
    client.force_login(patient.user)
    response = client.post(
        "/checkin/", answers(idempotency_key=str(key), self_harm="yes"), follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/help-now/"
    mine = CheckIn.objects.get(patient=patient)
    assert mine.self_harm_thoughts is True
    assert Flag.objects.get(patient=patient, rule="self-harm").severity == "urgent"
    assert CheckIn.objects.get(patient=other_patient).self_harm_thoughts is None


def _api_post(client, token, path, body):
    return client.post(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_key_another_patient_used_still_saves_a_phq9_with_item_9_through_the_api(
    client, patient, other_patient
):
    key = str(uuid.uuid4())
    theirs = api_token_create(user=other_patient.user, name="t").raw
    body = {"idempotency_key": key, "instrument": "phq9", "answers": [0] * 9}
    assert _api_post(client, theirs, "/api/v1/me/questionnaires", body).status_code == 201

    mine = api_token_create(user=patient.user, name="t").raw
    body = {"idempotency_key": key, "instrument": "phq9", "answers": [0] * 8 + [3]}
    response = _api_post(client, mine, "/api/v1/me/questionnaires", body)
    assert response.status_code == 201
    assert response.json()["needs_crisis_help"] is True
    assert QuestionnaireResponse.objects.get(patient=patient).answers[8] == 3
    assert Flag.objects.get(patient=patient, rule="self-harm").severity == "urgent"


def test_a_key_another_patient_used_still_saves_a_check_in_with_self_harm_through_the_api(
    client, patient, other_patient
):
    key = str(uuid.uuid4())
    base = {"idempotency_key": key, "pain": 3, "sleep": 5, "mood": 5, "withdrawal": 1}
    theirs = api_token_create(user=other_patient.user, name="t").raw
    assert (
        _api_post(client, theirs, "/api/v1/me/checkins", {**base, "craving": 0}).status_code == 201
    )
    mine = api_token_create(user=patient.user, name="t").raw
    response = _api_post(
        client,
        mine,
        "/api/v1/me/checkins",
        {**base, "craving": 4, "self_harm_thoughts": True, "overdose": False},
    )
    assert response.status_code == 201
    assert response.json()["needs_crisis_help"] is True
    assert CheckIn.objects.get(patient=patient).craving == 4
    assert Flag.objects.get(patient=patient, rule="self-harm").severity == "urgent"


def test_a_replayed_key_returns_the_patients_original_entry(client, patient):
    token = api_token_create(user=patient.user, name="t").raw
    key = str(uuid.uuid4())
    body = {"idempotency_key": key, "pain": 3, "sleep": 5, "mood": 5, "withdrawal": 1}
    first = _api_post(client, token, "/api/v1/me/checkins", {**body, "craving": 2})
    again = _api_post(client, token, "/api/v1/me/checkins", {**body, "craving": 9})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["checkin"]["id"] == first.json()["checkin"]["id"]
    assert again.json()["checkin"]["craving"] == 2
    assert CheckIn.objects.get(patient=patient).craving == 2


def test_a_check_in_note_with_high_risk_words_shows_crisis_help_and_raises_an_urgent_flag(
    client, patient
):
    client.force_login(patient.user)
    note = "Everyone would be better off without me."
    response = client.post("/checkin/", answers(note=note), follow=True)
    assert response.redirect_chain[-1][0] == "/help-now/"
    assert CheckIn.objects.get().note == note
    flag = Flag.objects.get(patient=patient, rule="risk-words-in-check-in")
    assert flag.severity == "urgent"


def test_a_check_in_note_with_possible_risk_words_tells_the_care_team_gently(client, patient):
    client.force_login(patient.user)
    response = client.post(
        "/checkin/", answers(note="I can't go on like this much longer."), follow=True
    )
    assert response.redirect_chain[-1][0] == "/checkin/saved/"
    assert "call or text 988 any time" in response.content.decode()
    flag = Flag.objects.get(patient=patient, rule="risk-words-in-check-in")
    assert flag.severity == "moderate"


def test_a_check_in_note_about_ordinary_pain_raises_nothing(client, patient):
    client.force_login(patient.user)
    client.post("/checkin/", answers(note="This pain is killing me today."))
    assert not Flag.objects.exists()


def test_the_bump_rules_read_the_new_answers_from_stored_check_ins(patient):
    from taperwell.care.services import bumps_evaluate
    from taperwell.checkins.selectors import clinic_today

    CheckIn.objects.create(
        patient=patient,
        day=clinic_today(patient.clinic),
        pain=5,
        sleep=5,
        mood=5,
        withdrawal=2,
        craving=2,
        overdose=False,
        naloxone_used=True,
        not_prescribed_opioids=True,
    )
    bumps_evaluate(patient=patient)
    flags = {f.rule: f for f in Flag.objects.filter(patient=patient)}
    assert flags["naloxone-used"].severity == "urgent"
    assert flags["naloxone-used"].source == "bump-rules"
    assert flags["non-prescribed-opioids"].severity == "high"
    assert "overdose" not in flags


def test_the_flag_raised_with_the_entry_and_the_bump_rules_flag_are_one(
    client, patient, django_capture_on_commit_callbacks
):
    from taperwell.care.services import bumps_evaluate

    client.force_login(patient.user)
    client.post("/checkin/", answers(overdose="yes"))
    bumps_evaluate(patient=patient)
    assert Flag.objects.filter(patient=patient, rule="overdose").count() == 1


def test_a_patient_who_never_checks_in_after_enrolling_is_flagged_as_missed(patient):
    from datetime import timedelta

    from django.utils import timezone

    from taperwell.care.services import bumps_evaluate

    patient.enrolled_at = timezone.now() - timedelta(days=6)
    patient.save(update_fields=["enrolled_at"])
    bumps_evaluate(patient=patient)
    assert Flag.objects.get(patient=patient, rule="missed-checkins").severity == "moderate"


def test_a_patient_who_enrolled_today_is_not_flagged_as_missed(patient):
    from django.utils import timezone

    from taperwell.care.services import bumps_evaluate

    patient.enrolled_at = timezone.now()
    patient.save(update_fields=["enrolled_at"])
    bumps_evaluate(patient=patient)
    assert not Flag.objects.filter(patient=patient, rule="missed-checkins").exists()


def test_a_tap_that_loses_a_race_shows_the_winners_entry_and_still_raises_its_self_harm_flag(
    patient,
):
    """Two taps at once: both look before either saves. The look is made to miss the winner's
    entry (as it does when the other tap commits between the look and the save); the database
    refuses the second save, and what the losing tap said about safety still reaches the team."""
    from django.db import connection

    key = uuid.uuid4()
    fields = {"pain": 4, "sleep": 5, "mood": 5, "withdrawal": 1, "craving": 0}
    winner = checkin_submit(patient=patient, idempotency_key=key, **fields).entry

    looks = []

    def miss_the_first_look(execute, sql, params, many, context):
        if sql.startswith("SELECT") and 'FROM "checkins_checkin"' in sql and not looks:
            looks.append(sql)
            sql = sql.replace(" WHERE ", " WHERE 1 = 0 AND ", 1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(miss_the_first_look):
        saved = checkin_submit(
            patient=patient, idempotency_key=key, self_harm_thoughts=True, **fields
        )

    assert len(looks) == 1
    assert saved.entry.pk == winner.pk
    assert saved.created is False
    assert saved.help_needed == "self-harm"
    assert CheckIn.objects.filter(patient=patient).count() == 1
    assert Flag.objects.get(patient=patient, rule="self-harm").severity == "urgent"
