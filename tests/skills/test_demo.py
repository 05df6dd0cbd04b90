"""The demo clinic has a practice story for its patients and a flare plan for Maria."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taperwell.demo import clinic as demo_people
from taperwell.demo.services import demo_load
from taperwell.skills.models import FlarePlan, PracticeSession
from taperwell.skills.selectors import clinic_today, practice_minutes_by_day

pytestmark = pytest.mark.django_db


def test_the_demo_gives_months_of_practice_and_marias_flare_plan_and_loads_twice_safely():
    clinic = demo_load()
    sessions = PracticeSession.objects.filter(patient__clinic=clinic)
    count = sessions.count()
    maria = FlarePlan.objects.get(patient__user__email="maria@example.org").patient
    today = clinic_today(clinic)
    minutes = practice_minutes_by_day(maria, today - timedelta(days=91), today)
    assert sum(minutes.values()) > 200
    assert sessions.values("patient").distinct().count() == len(demo_people.PATIENTS)
    assert "Slow breathing" in set(sessions.values_list("practice_title", flat=True))

    demo_load()
    assert PracticeSession.objects.filter(patient__clinic=clinic).count() == count
    assert FlarePlan.objects.filter(patient__clinic=clinic).count() == 1
