"""Each progress chart reads its own answer from the check-ins: pain from pain, mood from mood."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taperwell.checkins.charts import FRAME
from taperwell.checkins.models import CheckIn
from taperwell.checkins.progress import progress_charts
from taperwell.checkins.selectors import clinic_today

pytestmark = pytest.mark.django_db


def test_the_pain_mood_and_withdrawal_charts_each_show_their_own_answers(client, patient):
    today = clinic_today(patient.clinic)
    CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            day=today - timedelta(days=n),
            pain=8,
            sleep=5,
            mood=3,
            withdrawal=1,
            craving=2,
        )
        for n in range(10)
    )
    client.force_login(patient.user)
    page = client.get("/progress/").content.decode()

    assert "Your average pain this month was 8.0" in page
    assert "Your average mood this month was 3.0" in page
    assert "Your average withdrawal score this month was 1.0" in page


def test_the_pain_chart_draws_pain_and_the_mood_chart_draws_mood(patient):
    today = clinic_today(patient.clinic)
    daily = [(today - timedelta(days=n), 8, 3, 1) for n in range(10)]  # day, pain, mood, withdrawal

    charts = {c.key: c for c in progress_charts(patient, today=today, daily=daily, minutes={})}

    drawn = {key: {dot.y for dot in charts[key].dots} for key in ("pain", "mood", "withdrawal")}
    height = FRAME.height - FRAME.top - FRAME.bottom  # 0 to 10 up the plot

    def y(value: float) -> float:
        return FRAME.baseline - height * value / 10

    assert drawn == {"pain": {y(8)}, "mood": {y(3)}, "withdrawal": {y(1)}}
    assert {value for _, value in charts["pain"].rows} == {"8.0"}
    assert {value for _, value in charts["mood"].rows} == {"3.0"}
