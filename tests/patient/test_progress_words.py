"""Progress in plain words: a daily dose, whole-number ticks, praise for effort, kindness when
mood gets worse."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from taperwell.checkins.charts import Chart, draw, month_change
from taperwell.checkins.models import CheckIn, QuestionnaireResponse
from taperwell.checkins.selectors import clinic_today

pytestmark = pytest.mark.django_db


def _phq9(patient, *, days_ago: int, total: int) -> None:
    QuestionnaireResponse.objects.create(
        patient=patient,
        instrument="phq9",
        instrument_version="v",
        day=clinic_today(patient.clinic) - timedelta(days=days_ago),
        answers=[0] * 9,
        total=total,
    )


def test_chart_ticks_are_whole_numbers_drawn_where_they_belong():
    chart = Chart("mme", "Your daily dose", "", "Daily dose", [], y_max=90.8)
    start = date(2026, 1, 1)
    draw(chart, [(start, 45.0)], start=start, end=start + timedelta(days=84))
    assert [label for _, label in chart.y_ticks] == ["0", "45", "90"]
    assert all("." not in label for _, label in chart.y_ticks)
    chart = Chart("phq9", "PHQ-9", "", "Score", [], y_max=27)
    draw(chart, [], start=start, end=start + timedelta(days=84))
    assert [label for _, label in chart.y_ticks] == ["0", "14", "27"]


def test_a_tiny_drop_in_pain_is_reported_without_praise():
    today = date(2026, 3, 1)
    values = [(today - timedelta(days=n), 6.2 if n > 30 else 6.1) for n in range(1, 60)]
    words = month_change(values, today=today, name="pain", lower_is_better=True)
    assert "down from 6.2" in words
    assert "well done" not in words.lower()


def test_progress_says_daily_dose_and_praises_checking_in(client, patient):
    today = clinic_today(patient.clinic)
    CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            day=today - timedelta(days=n),
            pain=6,
            sleep=5,
            mood=5,
            withdrawal=2,
            craving=1,
        )
        for n in range(12)
    )
    client.force_login(patient.user)
    page = client.get("/progress/").content.decode()
    assert "MME a day" not in page
    assert "You checked in on 12 of the last 30 days." in page
    assert "well done" not in page.lower()


def test_a_phq9_up_a_band_brings_a_kind_line_with_a_link(client, patient):
    _phq9(patient, days_ago=40, total=3)
    _phq9(patient, days_ago=2, total=17)
    client.force_login(patient.user)
    page = client.get("/progress/").content.decode()
    assert "Things may feel heavier lately" in page
    assert re.search(r'href="/messages/new/"[^>]*>Tell your care team how you are', page)


def test_a_phq9_within_the_same_band_or_lower_brings_no_such_line(client, patient):
    _phq9(patient, days_ago=40, total=12)
    _phq9(patient, days_ago=2, total=13)
    client.force_login(patient.user)
    assert "Things may feel heavier lately" not in client.get("/progress/").content.decode()


def test_the_latest_two_phq9s_in_the_twelve_weeks_decide_without_another_read(
    patient, django_assert_num_queries
):
    from taperwell.checkins.progress import answer_rows, mood_got_worse

    today = clinic_today(patient.clinic)
    _phq9(patient, days_ago=40, total=20)
    _phq9(patient, days_ago=10, total=3)
    _phq9(patient, days_ago=2, total=17)
    answers = answer_rows(patient, today=today)
    with django_assert_num_queries(0):
        assert mood_got_worse(patient, today=today, answers=answers)
    assert mood_got_worse(patient, today=today)


def test_a_phq9_before_the_twelve_weeks_still_counts_as_the_one_before(patient):
    from taperwell.checkins.progress import answer_rows, mood_got_worse

    today = clinic_today(patient.clinic)
    _phq9(patient, days_ago=120, total=3)
    _phq9(patient, days_ago=2, total=17)
    answers = answer_rows(patient, today=today)
    assert mood_got_worse(patient, today=today, answers=answers)
    _phq9(patient, days_ago=1, total=16)
    assert not mood_got_worse(patient, today=today, answers=answer_rows(patient, today=today))
