"""Defects found on the second security pass: the clinic's time zone leaking from one request
into the next, patients in maintenance exported as inactive, and questionnaire reminders on a
fixed two weeks whatever the clinic's schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taperwell.checkins.models import QuestionnaireResponse, QuestionnaireSchedule
from taperwell.community.services import member_join, post_create
from taperwell.notifications.facts import local_days
from taperwell.notifications.models import Preference
from taperwell.notifications.reminders import reminders_due
from taperwell.patients.models import PatientStatus

pytestmark = pytest.mark.django_db


def test_times_read_the_same_before_and_after_the_sessions_page(client, patient, settings):
    author = member_join(patient=patient, display_name="SunnyDays")
    topic = post_create(member=author, title="Bad night", body="Slept three hours.")
    topic.__class__.objects.filter(pk=topic.pk).update(
        created_at=dt.datetime(2026, 11, 3, 18, 9, tzinfo=dt.UTC)
    )
    client.force_login(patient.user)
    before = client.get(f"/group/{topic.public_id}/").content.decode()
    assert client.get("/sessions/").status_code == 200
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE  # reset after the request
    after = client.get(f"/group/{topic.public_id}/").content.decode()
    assert "Nov 3, 1:09 PM" in before  # the clinic's time (New York), on every page, US 12-hour
    assert "Nov 3, 1:09 PM" in after


def test_a_patient_in_maintenance_is_exported_as_active_in_fhir(patient):
    from taperwell.checkins.selectors import clinic_today
    from taperwell.fhir.export import patient_bundle

    patient.status = PatientStatus.MAINTENANCE
    patient.save(update_fields=["status"])
    bundle = patient_bundle(patient, today=clinic_today(patient.clinic))
    resource = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert resource["active"] is True


def _questionnaire_reminders(patient, now):
    pref = Preference(user=patient.user)
    return [d for d in reminders_due(patient, pref, now) if d.kind == "questionnaire"]


def _answered(patient, instrument: str, day: dt.date) -> None:
    QuestionnaireResponse.objects.create(
        patient=patient, instrument=instrument, instrument_version="1", day=day, answers=[], total=0
    )


def test_questionnaire_reminders_follow_the_clinics_schedule_and_say_it(patient, clinic):
    for instrument in ("sows", "phq9", "gad7"):
        QuestionnaireSchedule.objects.create(
            clinic=clinic, instrument=instrument, every_days=28, active=False
        )
    QuestionnaireSchedule.objects.create(clinic=clinic, instrument="peg", every_days=10)
    now = timezone.now()
    _, today = local_days(patient, Preference(user=patient.user), now)
    _answered(patient, "peg", today - dt.timedelta(days=12))
    found = _questionnaire_reminders(patient, now)
    assert [d.key for d in found] == [f"questionnaire:{today - dt.timedelta(days=2)}"]
    assert "every 10 days" in found[0].body
    assert "two weeks" not in found[0].body


def test_a_weekly_questionnaire_is_reminded_weekly_in_those_words(patient):
    now = timezone.now()
    _, today = local_days(patient, Preference(user=patient.user), now)
    patient.enrolled_at = now - dt.timedelta(days=60)
    patient.save(update_fields=["enrolled_at"])
    for instrument in ("peg", "phq9", "gad7"):
        _answered(patient, instrument, today - dt.timedelta(days=7))
    found = _questionnaire_reminders(patient, now)
    assert [d.key for d in found] == [f"questionnaire:{today}"]
    assert found[0].body.startswith("Your care team asks the pain questions every week.")
