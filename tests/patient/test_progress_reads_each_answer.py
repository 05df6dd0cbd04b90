"""Each progress chart reads its own answer from the check-ins: pain from pain, mood from mood."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taperwell.checkins.models import CheckIn
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
