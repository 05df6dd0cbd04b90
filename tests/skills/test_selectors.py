"""Practice minutes for charts and the care team, kind totals, and the practice to offer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from taperwell.skills.practices import get_practice
from taperwell.skills.selectors import (
    practice_minutes_by_day,
    practice_minutes_by_patient,
    practice_minutes_on_days_practiced,
    practice_summary,
    suggested_practice,
    suggestion_for,
)
from taperwell.skills.services import practice_session_log

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)


def _log(patient, day, minutes, slug="body-scan"):
    return practice_session_log(
        patient=patient, practice=get_practice(slug), minutes=minutes, day=day
    )


def test_minutes_by_day_add_up_each_day_and_fill_empty_days_in_one_query(
    patient, other_patient, django_assert_num_queries
):
    _log(patient, DAY, 10)
    _log(patient, DAY, 5)
    _log(patient, DAY + timedelta(days=2), 8)
    _log(patient, DAY + timedelta(days=9), 8)  # outside the range
    _log(other_patient, DAY, 30)
    error = _log(patient, DAY + timedelta(days=1), 20)
    error.status = "entered_in_error"
    error.save()
    with django_assert_num_queries(1):
        minutes = practice_minutes_by_day(patient, DAY, DAY + timedelta(days=3))
    assert minutes == {
        DAY: 15,
        DAY + timedelta(days=1): 0,
        DAY + timedelta(days=2): 8,
        DAY + timedelta(days=3): 0,
    }


def test_minutes_on_days_practiced_are_the_days_minutes_without_the_empty_days_in_day_order(
    patient, other_patient, django_assert_num_queries
):
    _log(patient, DAY + timedelta(days=2), 8)
    _log(patient, DAY, 10)
    _log(patient, DAY, 5)
    _log(patient, DAY + timedelta(days=9), 8)  # outside the range
    _log(other_patient, DAY + timedelta(days=1), 30)
    end = DAY + timedelta(days=3)
    with django_assert_num_queries(1):
        minutes = practice_minutes_on_days_practiced(patient, DAY, end)
    every_day = practice_minutes_by_day(patient, DAY, end)
    assert list(minutes.items()) == [(day, n) for day, n in every_day.items() if n]
    assert list(minutes.items()) == [(DAY, 15), (DAY + timedelta(days=2), 8)]


def test_minutes_by_patient_count_from_the_given_day_for_each_patient_in_one_query(
    patient, other_patient, clinic, django_assert_num_queries
):
    from tests import factories

    idle = factories.make_patient(clinic)
    _log(patient, DAY - timedelta(days=1), 50)  # before `since`
    _log(patient, DAY, 10)
    _log(other_patient, DAY + timedelta(days=3), 12)
    with django_assert_num_queries(1):
        totals = practice_minutes_by_patient([patient.id, other_patient.id, idle.id], DAY)
    assert totals == {patient.id: 10, other_patient.id: 12, idle.id: 0}


def test_the_summary_counts_days_this_week_and_a_streak_without_punishing_today(patient):
    for offset in (1, 2, 3, 10):
        _log(patient, DAY - timedelta(days=offset), 5)
    summary = practice_summary(patient, today=DAY)
    assert summary.sessions == 4
    assert summary.minutes == 20
    assert summary.days_this_week == 3
    # Not yet practised today: yesterday's run still counts.
    assert summary.streak == 3


def _checkin(patient, **scores):
    from taperwell.checkins.models import CheckIn

    values = {"pain": 4, "sleep": 6, "mood": 6, "withdrawal": 2, "craving": 1} | scores
    return CheckIn.objects.create(patient=patient, day=DAY, **values)


def test_after_a_check_in_with_withdrawal_8_the_breathing_pacer_is_offered(patient):
    checkin = _checkin(patient, withdrawal=8)
    practice = suggested_practice(patient, checkin=checkin)
    assert practice.slug == "breathing-pacer"
    assert practice.url == "/skills/breathe/"


@pytest.mark.parametrize(
    ("scores", "offered"),
    [
        ({"pain": 8}, {"breathing-pacer"}),
        ({"craving": 7}, {"urge-surfing"}),
        ({"mood": 2}, {"savouring", "values"}),
        ({"withdrawal": 9, "craving": 9}, {"breathing-pacer"}),
    ],
)
def test_each_hard_check_in_is_met_with_the_fitting_practice(patient, scores, offered):
    assert suggested_practice(patient, checkin=_checkin(patient, **scores)).slug in offered


def test_a_calm_check_in_gets_the_practice_of_the_day(patient):
    suggestion = suggestion_for(patient, checkin=_checkin(patient), today=DAY)
    assert suggestion.need is None
    assert not suggestion.practice.is_lesson


def test_without_a_check_in_given_todays_own_check_in_is_used(patient):
    _checkin(patient, craving=9)
    assert suggestion_for(patient, today=DAY).practice.slug == "urge-surfing"


def test_an_open_care_team_flag_about_withdrawal_offers_the_pacer(patient):
    from taperwell.care.models import Flag

    Flag.objects.create(
        patient=patient,
        rule="withdrawal-severe",
        severity="high",
        reason="7+ three days",
        day=DAY,
        source="bump-rules",
    )
    suggestion = suggestion_for(patient, today=DAY)
    assert suggestion.need == "withdrawal"
    assert suggestion.practice.slug == "breathing-pacer"


def test_today_offers_the_pacer_after_a_check_in_with_withdrawal_8(client, patient):
    from taperwell.checkins.models import CheckIn
    from taperwell.skills.selectors import clinic_today

    CheckIn.objects.create(
        patient=patient,
        day=clinic_today(patient.clinic),
        pain=4,
        sleep=6,
        mood=6,
        withdrawal=8,
        craving=1,
    )
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert 'href="/skills/breathe/"' in page
    assert "Slow breathing" in page
