"""Reminders sent by a real huey worker process (not the in-process immediate mode).

On SQLite the test database lives in memory, so each test copies it to a file the worker can
open, lets the worker run, and copies the result back. On PostgreSQL the worker opens the test
database itself.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from taperwell.meetings.models import GroupSession, Rsvp
from taperwell.messaging.services import thread_create
from taperwell.notifications.models import Notification, Preference
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
SQLITE = connection.vendor == "sqlite"


def _zone_at_one_pm() -> tuple[str, dt.datetime]:
    """A time zone where it is now early afternoon, so no reminder crosses midnight."""
    now = timezone.now()
    offset = (13 - now.hour + 12) % 24 - 12  # -12..11
    name = "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
    import zoneinfo

    return name, now.astimezone(zoneinfo.ZoneInfo(name))


def _hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


class Worker:
    """The database as the worker sees it, and the worker processes themselves."""

    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.emails = tmp_path / "emails"
        self.emails.mkdir()
        self.db_file = tmp_path / "db.sqlite3"
        self.procs: list[subprocess.Popen] = []

    def _database_url(self) -> str:
        if SQLITE:
            return f"sqlite:///{self.db_file}"
        s = connection.settings_dict
        return (
            f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )

    def hand_over(self) -> None:
        if SQLITE:
            connection.ensure_connection()
            target = sqlite3.connect(self.db_file)
            connection.connection.backup(target)
            target.close()

    def take_back(self) -> None:
        if SQLITE:
            source = sqlite3.connect(self.db_file)
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()

    def start(self, count: int = 1) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.connection.worker_settings",
            "DATABASE_URL": self._database_url(),
            "TAPERWELL_TEST_HUEY_FILE": str(self.dir / "huey.sqlite3"),
            "TAPERWELL_TEST_EMAIL_DIR": str(self.emails),
            "PYTHONPATH": str(ROOT),
        }
        for n in range(count):
            log = (self.dir / f"worker-{len(self.procs)}-{n}.log").open("w")
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "django", "run_huey"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def _sent_count(self) -> int:
        if SQLITE:
            db = sqlite3.connect(self.db_file, timeout=10)
            try:
                return db.execute(
                    "select count(*) from notifications_notification where status='sent'"
                ).fetchone()[0]
            except sqlite3.OperationalError:
                return 0
            finally:
                db.close()
        return Notification.objects.filter(status="sent").count()

    def wait_for(self, sent: int, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._sent_count() < sent:
            time.sleep(0.3)
        time.sleep(1.5)  # room for a duplicate to appear, if there were ever one

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.dir.glob("worker-*.log")))

    def email_subjects(self) -> list[str]:
        lines = []
        for file in self.emails.glob("*"):
            lines += [x for x in file.read_text().splitlines() if x.startswith("Subject: ")]
        return lines


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
    zone, local = _zone_at_one_pm()
    patient = _patient(
        clinic,
        zone,
        checkin_time=(local - dt.timedelta(minutes=30)).time(),
        dose_times=_hhmm(local - dt.timedelta(minutes=10)),
    )
    worker.hand_over()
    worker.start()
    worker.wait_for(sent=2)
    worker.stop()
    worker.start()  # a second run (and its catch-up sweep) must not send them again
    worker.wait_for(sent=3, timeout=4)
    worker.stop()
    worker.take_back()

    sent = Notification.objects.filter(user=patient.user, status="sent")
    assert sorted(sent.values_list("kind", flat=True)) == ["checkin", "dose"], worker.logs()
    assert len(worker.email_subjects()) == 2


def test_after_an_outage_useful_reminders_go_once_and_stale_ones_are_skipped(
    worker, clinic, clinician
):
    zone, local = _zone_at_one_pm()
    today = local.date()
    three_hours_late = _hhmm(local - dt.timedelta(hours=3))
    recent = _hhmm(local - dt.timedelta(minutes=20))
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
    worker.wait_for(sent=3)
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
    zone, local = _zone_at_one_pm()
    patients = [
        _patient(
            clinic,
            zone,
            checkin_time=(local - dt.timedelta(minutes=40)).time(),
            dose_times=_hhmm(local - dt.timedelta(minutes=5)),
        )
        for _ in range(8)
    ]
    worker.hand_over()
    worker.start(count=2)  # two processes, two threads each: four sweeps race at start
    worker.wait_for(sent=16)
    worker.stop()
    worker.take_back()

    sent = Notification.objects.filter(status="sent", user__patient__in=patients)
    assert sent.count() == 16, worker.logs()
    keys = Counter(sent.values_list("user_id", "key"))
    assert max(keys.values()) == 1
    assert len(worker.email_subjects()) == 16
