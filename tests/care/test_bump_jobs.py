"""The bump rules run off the check-in request, and a sweep runs them when nothing new arrives."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taperwell.care.models import Flag
from taperwell.care.tasks import sweep_bump_rules
from taperwell.checkins.models import CheckIn
from taperwell.checkins.selectors import checkins_for_rules, clinic_today

pytestmark = pytest.mark.django_db

CALM = {"pain": 4, "sleep": 6, "mood": 6, "withdrawal": 1, "craving": 1}


def test_a_patient_who_stops_checking_in_is_flagged_by_the_sweep(patient):
    today = clinic_today(patient.clinic)
    for days_ago in range(20, 4, -1):
        CheckIn.objects.create(patient=patient, day=today - timedelta(days=days_ago), **CALM)
    assert not Flag.objects.filter(patient=patient, rule="missed-checkins").exists()

    assert sweep_bump_rules.call_local() >= 1

    flag = Flag.objects.get(patient=patient, rule="missed-checkins")
    assert "no check-in for 4 days" in flag.reason
    sweep_bump_rules.call_local()
    assert Flag.objects.filter(patient=patient, rule="missed-checkins").count() == 1


def test_the_rules_read_recent_history_and_the_entry_before_it(patient):
    today = clinic_today(patient.clinic)
    for days_ago in (200, 120, 90, 10, 2):
        CheckIn.objects.create(patient=patient, day=today - timedelta(days=days_ago), **CALM)
    days = [c.day for c in checkins_for_rules(patient, since=today - timedelta(days=60))]
    assert days == [today - timedelta(days=d) for d in (90, 10, 2)]


def test_saving_a_check_in_runs_the_rules_through_the_job_queue(
    patient, django_capture_on_commit_callbacks
):
    import uuid

    from taperwell.checkins.services import checkin_submit

    today = clinic_today(patient.clinic)
    CheckIn.objects.create(patient=patient, day=today - timedelta(days=6), **CALM)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        checkin_submit(patient=patient, idempotency_key=uuid.uuid4(), prn_doses=0, **CALM)
    assert callbacks  # the rules were handed to the queue after the entry was saved
    flag = Flag.objects.get(patient=patient, rule="missed-checkins")
    assert "no check-in for 5 days" in flag.reason
