"""The demo history, and the Today page's bounded number of queries over 90 days of it."""

from __future__ import annotations

import pytest

from taperwell.checkins.models import CheckIn, QuestionnaireResponse
from taperwell.demo.services import demo_load
from taperwell.goals.models import ActivityDone, Goal
from taperwell.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_every_demo_patient_has_history_and_a_goal(demo):
    for patient in Patient.objects.filter(clinic=demo, user__isnull=False):
        assert Goal.objects.filter(patient=patient).exists(), patient
        count = CheckIn.objects.filter(patient=patient).count()
        assert count >= 5, patient
    maria = Patient.objects.get(user__email="maria@example.org")
    assert 75 <= CheckIn.objects.filter(patient=maria).count() <= 90
    assert ActivityDone.objects.filter(patient=maria).exists()


def test_maria_has_a_withdrawal_bump_and_a_recent_phq9_item_9_answer(demo):
    maria = Patient.objects.get(user__email="maria@example.org")
    assert CheckIn.objects.filter(patient=maria, withdrawal__gte=7).count() >= 3
    recent = QuestionnaireResponse.objects.filter(patient=maria, instrument="phq9").latest("day")
    assert recent.answers[8] == 1
    assert "suicide-risk" in recent.flags
    from taperwell.care.models import Flag

    assert Flag.objects.filter(patient=maria, rule="self-harm", severity="urgent").exists()


def test_loading_the_demo_twice_adds_nothing(demo):
    before = (CheckIn.objects.count(), QuestionnaireResponse.objects.count(), Goal.objects.count())
    demo_load()
    after = (CheckIn.objects.count(), QuestionnaireResponse.objects.count(), Goal.objects.count())
    assert before == after


def test_the_demo_history_is_the_same_every_time():
    import random

    from taperwell.checkins.demo import daily_values

    def story():
        return daily_values("bump", 90, [62, 34, 6], random.Random("seed"))

    assert story() == story()
    assert story() != daily_values("bump", 90, [62, 34, 6], random.Random("other"))


def test_the_today_page_of_a_patient_with_90_days_of_history_uses_few_queries(
    client, demo, django_assert_max_num_queries
):
    maria = Patient.objects.get(user__email="maria@example.org")
    client.force_login(maria.user)
    # Session, user, membership, the patient once, consent, the audit row, then the page's reads
    # (the dose of record's medicines and plans, which also give the plan in force; today's
    # check-in, goals, care team, questionnaires, practice, session, unread count, the notice
    # of a newly approved plan, and the doses marked taken today).
    with django_assert_max_num_queries(24):
        response = client.get("/today/")
    assert response.status_code == 200
    assert "Play on the floor with my grandson" in response.content.decode()


def test_the_progress_page_of_a_patient_with_90_days_of_history_uses_few_queries(
    client, demo, django_assert_max_num_queries
):
    maria = Patient.objects.get(user__email="maria@example.org")
    client.force_login(maria.user)
    with django_assert_max_num_queries(22):
        response = client.get("/progress/")
    page = response.content.decode()
    assert "<svg" in page
    assert "Your average pain this month was" in page


def test_saving_a_check_in_uses_few_queries(client, demo, django_assert_max_num_queries):
    from tests.patient.test_checkin import answers

    maria = Patient.objects.get(user__email="maria@example.org")
    client.force_login(maria.user)
    before = CheckIn.objects.filter(patient=maria).count()
    # Session, user, membership, the patient once, consent, the audit row, her activities, then
    # the save: same-submission check, today's entry locked, written (with savepoints), and the
    # idle-timeout touch of a session that is new here.
    with django_assert_max_num_queries(17):
        response = client.post("/checkin/", answers())
    assert response.status_code == 302
    assert CheckIn.objects.filter(patient=maria).count() in {before, before + 1}
