"""The daily check-in: stored once a day, safe to double-submit, kind to mistakes."""

from __future__ import annotations

import uuid

import pytest

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn, EntryStatus
from taperwell.checkins.selectors import clinic_today, last_checkin_days

pytestmark = pytest.mark.django_db


def answers(**changes):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "pain": "6",
        "sleep": "4",
        "mood": "5",
        "withdrawal": "3",
        "withdrawal_signs": ["yawning", "restless"],
        "craving": "2",
        "activity": "",
        "activity_text": "Walked to the mailbox",
        "prn_doses": "1",
        "self_harm": "no",
        "overdose": "no",
        "naloxone_used": "no",
        "not_prescribed_opioids": "no",
        "note": "A slow morning.",
    }
    data.update(changes)
    return data


def test_a_check_in_is_saved_for_today_in_the_clinics_time_zone(client, patient):
    client.force_login(patient.user)
    response = client.post("/checkin/", answers())
    assert response.status_code == 302
    assert response["Location"] == "/checkin/saved/"
    checkin = CheckIn.objects.get(patient=patient)
    assert checkin.day == clinic_today(patient.clinic)
    assert (checkin.pain, checkin.sleep, checkin.prn_doses) == (6, 4, 1)
    assert checkin.withdrawal_signs == ["yawning", "restless"]
    assert checkin.self_harm_thoughts is False


def test_a_double_submitted_check_in_is_stored_once(client, patient):
    client.force_login(patient.user)
    data = answers()
    first = client.post("/checkin/", data)
    second = client.post("/checkin/", data)
    assert first.status_code == second.status_code == 302
    assert CheckIn.objects.filter(patient=patient).count() == 1


def test_a_second_check_in_the_same_day_replaces_the_first(client, patient):
    client.force_login(patient.user)
    client.post("/checkin/", answers(pain="6"))
    client.post("/checkin/", answers(pain="3"))
    rows = CheckIn.objects.filter(patient=patient)
    assert rows.count() == 1
    assert rows.get().pain == 3


def test_the_form_shows_todays_answers_when_the_patient_comes_back(client, patient):
    client.force_login(patient.user)
    client.post("/checkin/", answers(pain="7"))
    page = client.get("/checkin/").content.decode()
    assert "You already checked in today" in page
    assert 'value="7" id="id_pain_7" checked' in page


def test_invalid_values_return_the_form_with_what_was_typed_and_a_clear_message(client, patient):
    client.force_login(patient.user)
    response = client.post(
        "/checkin/", answers(pain="14", prn_doses="many", note="Keep this note please")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please choose a number from 0 to 10." in page
    assert "Please enter a whole number, like 0 or 1." in page
    assert "Keep this note please" in page
    assert "Walked to the mailbox" in page
    assert 'value="4" id="id_sleep_4" checked' in page
    assert not CheckIn.objects.exists()


def test_thoughts_of_self_harm_show_the_crisis_screen_and_raise_an_urgent_flag(client, patient):
    client.force_login(patient.user)
    response = client.post("/checkin/", answers(self_harm="yes"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/help-now/"
    assert "Call 988" in page
    assert 'call <a href="tel:911">911</a>' in page
    assert "(555) 000-1111" in page
    flag = Flag.objects.get(patient=patient, rule="self-harm")
    assert flag.severity == "urgent"
    assert flag.source == "check-in"


def test_rather_not_say_is_kept_as_unknown_and_raises_no_urgent_flag(client, patient):
    # "Rather not say" is not "no": the care team gets a gentle (moderate) flag instead; see
    # test_checkin_safety.py.
    client.force_login(patient.user)
    client.post("/checkin/", answers(self_harm="skip"))
    assert CheckIn.objects.get().self_harm_thoughts is None
    assert not Flag.objects.filter(rule="self-harm").exists()


def test_the_bump_rules_run_after_a_check_in(client, patient, django_capture_on_commit_callbacks):
    # Craving 7/10 or more on three days in a row is a bump; today's check-in is the third.
    from datetime import timedelta

    today = clinic_today(patient.clinic)
    for n in (2, 1):
        CheckIn.objects.create(
            patient=patient,
            day=today - timedelta(days=n),
            pain=5,
            sleep=5,
            mood=5,
            withdrawal=0,
            craving=8,
        )
    client.force_login(patient.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/checkin/", answers(craving="8"))
    assert Flag.objects.filter(patient=patient, rule="craving-high").exists()


def test_a_past_check_in_marked_as_a_mistake_is_kept_but_not_counted(client, patient):
    client.force_login(patient.user)
    client.post("/checkin/", answers())
    checkin = CheckIn.objects.get()
    response = client.post(
        f"/checkin/{checkin.public_id}/entered-in-error/",
        {"reason": "Wrong day", "confirm": "on"},
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.status == EntryStatus.ENTERED_IN_ERROR
    assert last_checkin_days([patient.pk]) == {}
    # And the day can be entered again.
    client.post("/checkin/", answers(pain="2"))
    assert CheckIn.objects.filter(patient=patient).count() == 2


def test_a_patient_cannot_mark_someone_elses_check_in(client, patient, other_patient):
    theirs = CheckIn.objects.create(
        patient=other_patient,
        day=clinic_today(other_patient.clinic),
        pain=1,
        sleep=1,
        mood=1,
        withdrawal=1,
        craving=1,
    )
    client.force_login(patient.user)
    assert client.post(f"/checkin/{theirs.public_id}/entered-in-error/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == EntryStatus.CURRENT


def test_the_database_refuses_two_current_check_ins_on_one_day(patient):
    from django.db import IntegrityError, transaction

    fields = {"pain": 1, "sleep": 1, "mood": 1, "withdrawal": 1, "craving": 1}
    day = clinic_today(patient.clinic)
    CheckIn.objects.create(patient=patient, day=day, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(patient=patient, day=day, **fields)


def test_an_activity_chosen_in_the_check_in_is_marked_done(client, patient):
    from taperwell.goals.models import ActivityDone
    from taperwell.goals.services import activity_create, goal_create

    goal = goal_create(patient=patient, title="Play on the floor with my grandson")
    step = activity_create(patient=patient, goal=goal, title="Sit on the floor", times_per_week=3)
    client.force_login(patient.user)
    client.post("/checkin/", answers(activity=str(step.public_id)))
    assert CheckIn.objects.get().activity_done == step
    assert ActivityDone.objects.filter(activity=step).count() == 1
