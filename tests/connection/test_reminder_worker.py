"""Reminders sent by a real huey worker process (not the in-process immediate mode).

The worker machinery (a copy of the SQLite test database, or PostgreSQL's) is in tests/worker.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from taperwell.meetings.models import GroupSession, Rsvp
from taperwell.messaging.services import thread_create
from taperwell.notifications.models import Notification, Preference
from tests import factories
from tests.worker import Worker, hhmm, zone_at_one_pm

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for_sent(worker: Worker, sent: int, timeout: float = 40) -> None:
    def sent_count() -> int:
        rows = worker.query("select count(*) from notifications_notification where status='sent'")
        return rows[0][0] if rows else 0

    assert worker.wait_until(lambda: sent_count() >= sent, timeout=timeout), worker.logs()
    worker.wait_until_idle()  # all sweeps done: a duplicate, if there were ever one, is there


@pytest.fixture
def worker(tmp_path):
    w = Worker(tmp_path)
    yield w
    w.stop()


def _patient(clinic, zone, **pref):
    patient = factories.make_patient(clinic)
    Preference.objects.create(
        user=patient.user, time_zone=zone, switched_off=["practice", "questionnaire"], **pref
    )
    return patient


def test_reminders_that_are_due_are_sent_once_even_when_the_worker_runs_again(worker, clinic):
    zone, local = zone_at_one_pm()
    patient = _patient(
        clinic,
        zone,
        checkin_time=(local - dt.timedelta(minutes=30)).time(),
        dose_times=hhmm(local - dt.timedelta(minutes=10)),
    )
    worker.hand_over()
    worker.start()
    _wait_for_sent(worker, 2)
    worker.stop()
    worker.start()  # a second run (and its catch-up sweeps) must not send them again
    worker.wait_until_idle()
    worker.stop()
    worker.take_back()

    sent = Notification.objects.filter(user=patient.user, status="sent")
    assert sorted(sent.values_list("kind", flat=True)) == ["checkin", "dose"], worker.logs()
    assert len(worker.email_subjects()) == 2


def test_after_an_outage_useful_reminders_go_once_and_stale_ones_are_skipped(
    worker, clinic, clinician
):
    zone, local = zone_at_one_pm()
    today = local.date()
    three_hours_late = hhmm(local - dt.timedelta(hours=3))
    recent = hhmm(local - dt.timedelta(minutes=20))
    patient = _patient(
        clinic,
        zone,
        checkin_time=(local - dt.timedelta(hours=2)).time(),
        dose_times=f"{three_hours_late}, {recent}",
    )
    thread_create(patient=patient, sender=clinician, subject="Hello", body="How are you doing?")
    past = GroupSession.objects.create(
        clinic=clinic,
        title="Mindfulness",
        kind="mindfulness",
        place="in_person",
        starts_at=timezone.now() - dt.timedelta(minutes=30),
        capacity=10,
    )
    Rsvp.objects.create(session=past, patient=patient, status="going")
    Notification.objects.all().delete()  # the worker was down: nothing went out yet

    worker.hand_over()
    worker.start()
    _wait_for_sent(worker, 3)
    worker.stop()
    worker.take_back()

    rows = dict(Notification.objects.filter(user=patient.user).values_list("key", "status"))
    assert rows[f"checkin:{today}"] == "sent", worker.logs()
    assert rows[f"dose:{today}:{recent}"] == "sent"
    assert rows[f"dose:{today}:{three_hours_late}"] == "skipped"
    assert rows[f"session:{past.public_id}"] == "skipped"
    assert Counter(rows.values())["sent"] == 3
    subjects = worker.email_subjects()
    assert len(subjects) == 3
    assert subjects.count("Subject: You have a new message") == 1


def test_two_workers_at_once_never_send_one_reminder_twice(worker, clinic):
    zone, local = zone_at_one_pm()
    patients = [
        _patient(
            clinic,
            zone,
            checkin_time=(local - dt.timedelta(minutes=40)).time(),
            dose_times=hhmm(local - dt.timedelta(minutes=5)),
        )
        for _ in range(8)
    ]
    worker.hand_over()
    worker.start(count=2)  # two processes, two threads each: four sweeps race at start
    _wait_for_sent(worker, 16)
    worker.stop()
    worker.take_back()

    sent = Notification.objects.filter(status="sent", user__patient__in=patients)
    assert sent.count() == 16, worker.logs()
    keys = Counter(sent.values_list("user_id", "key"))
    assert max(keys.values()) == 1
    assert len(worker.email_subjects()) == 16
