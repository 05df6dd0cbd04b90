"""`kill -9` of a real huey worker in the middle of a job: the job runs again once, and its effect
happens once.

The worker machinery (a copy of the SQLite test database, or PostgreSQL's) is in tests/worker.py.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from taperwell.accounts.models import User
from taperwell.checkins.models import CheckIn
from taperwell.notifications.models import Notification, Preference
from taperwell.patients.models import Patient, PatientStatus
from taperwell.reports.models import ExportStatus, PatientExport
from taperwell.reports.tasks import build_patient_export
from tests.worker import EXPORT_STALE_CLAIM_SECONDS, Worker, hhmm, zone_at_one_pm

pytestmark = pytest.mark.django_db(transaction=True)

BUILD_JOB = "taperwell.reports.tasks.build_patient_export"


@pytest.fixture
def worker(tmp_path):
    w = Worker(tmp_path)
    yield w
    w.stop()


def _three_years_of_checkins(patient) -> None:
    """Enough to make the export take a moment: every CSV row, the FHIR bundle and the PDF."""
    today = timezone.localdate()
    CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            day=today - timedelta(days=d),
            pain=3 + d % 5,
            sleep=6,
            mood=5 + d % 3,
            withdrawal=2,
            craving=1,
            note="Walked to the shop and back; the afternoon was harder than the morning.",
        )
        for d in range(3 * 365)
    )


def _export_state(worker: Worker, export_id: int) -> tuple[str, bool] | None:
    """(status, claimed) of the export as the worker's database has it."""
    rows = worker.query(
        "select status, finished_at from reports_patientexport where id = %s", (export_id,)
    )
    return (rows[0][0], rows[0][1] is not None) if rows else None


def _claim_is_stale(worker: Worker, export_id: int) -> bool:
    """The export's claim is older than the stale window, by the time the claim recorded."""
    rows = worker.query("select finished_at from reports_patientexport where id = %s", (export_id,))
    if not rows or rows[0][0] is None:
        return False
    claimed = rows[0][0]
    if isinstance(claimed, str):  # SQLite keeps it as text
        claimed = datetime.fromisoformat(claimed)
    if claimed.tzinfo is None:
        claimed = claimed.replace(tzinfo=UTC)
    return timezone.now() - claimed > timedelta(seconds=EXPORT_STALE_CLAIM_SECONDS)


def _export_files(worker: Worker) -> list[str]:
    folder = worker.media / "exports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_worker_killed_mid_export_leaves_it_to_the_next_worker_which_builds_it_once(
    worker, patient
):
    _three_years_of_checkins(patient)
    export = PatientExport.objects.create(patient=patient, requested_by=patient.user)
    worker.hand_over()
    worker.start()
    worker.enqueue(build_patient_export.s(export.pk))

    # The job's first step is the claim (finished_at set while still pending); the build follows.
    claimed = worker.wait_until(
        lambda: _export_state(worker, export.pk) == (ExportStatus.PENDING, True),
        timeout=60,
        every=0.01,
    )
    worker.kill()
    assert claimed, worker.logs()

    # The kill landed mid-build: claimed, no file, and huey had taken the job off its queue, so
    # only the recovery can bring it back.
    assert _export_state(worker, export.pk) == (ExportStatus.PENDING, True), worker.logs()
    assert _export_files(worker) == []
    assert BUILD_JOB not in worker.queued_jobs()
    assert worker.log(0).count(f"Executing {BUILD_JOB}") == 1

    # Once the claim counts as stale, a fresh worker releases it at start and builds the export.
    # (Without its scheduler: the five-minute sweep, when due, would hide a broken start-up one.)
    assert worker.wait_until(
        lambda: _claim_is_stale(worker, export.pk), timeout=EXPORT_STALE_CLAIM_SECONDS + 60
    )
    worker.start(periodic=False)
    worker.wait_until(
        lambda: _export_state(worker, export.pk) == (ExportStatus.READY, True), timeout=60
    )
    worker.wait_until_idle()  # every sweep and build done: a second build would be there
    worker.stop()
    worker.take_back()

    export.refresh_from_db()
    assert export.status == ExportStatus.READY, worker.logs()
    assert worker.log(1).count(f"Executing {BUILD_JOB}") == 1, worker.logs()
    files = _export_files(worker)
    assert files == [f"taperwell-{export.public_id}.zip"]
    with zipfile.ZipFile(worker.media / "exports" / files[0]) as archive:
        assert "visit-summary.pdf" in archive.namelist()
        checkins_csv = archive.read("checkins.csv").decode()
    assert checkins_csv.count("\n") == 1 + 3 * 365


def _patients_with_two_reminders_due(clinic, count: int) -> list[int]:
    """`count` patients whose check-in and dose reminders are both due now; their user ids."""
    zone, local = zone_at_one_pm()
    users = User.objects.bulk_create(
        User(email=f"sweep{n}@example.org", full_name=f"Sweep Patient {n}", password="!")
        for n in range(count)
    )
    Patient.objects.bulk_create(
        Patient(user=u, clinic=clinic, full_name=u.full_name, status=PatientStatus.ACTIVE)
        for u in users
    )
    Preference.objects.bulk_create(
        Preference(
            user=u,
            time_zone=zone,
            checkin_time=(local - timedelta(minutes=30)).time(),
            dose_times=hhmm(local - timedelta(minutes=10)),
            switched_off=["practice", "questionnaire"],
        )
        for u in users
    )
    return [u.pk for u in users]


def _reminders_sent(worker: Worker) -> int:
    rows = worker.query("select count(*) from notifications_notification where status = 'sent'")
    return rows[0][0] if rows else 0


def test_a_worker_killed_mid_sweep_records_each_reminder_once_and_sends_no_email_twice(
    worker, clinic
):
    patients = 300
    user_ids = _patients_with_two_reminders_due(clinic, patients)
    due = 2 * patients
    worker.hand_over()
    worker.start()  # its start-up catch-up sweep begins at once

    swept = worker.wait_until(lambda: _reminders_sent(worker) > 0, timeout=60, every=0.01)
    worker.kill()
    assert swept, worker.logs()
    sent_before_the_kill = _reminders_sent(worker)
    assert sent_before_the_kill < due, "the sweep ended before the kill"

    worker.start()
    worker.wait_until(lambda: _reminders_sent(worker) >= due, timeout=60)
    worker.wait_until_idle()  # every sweep done: a second email would be there
    worker.stop()
    worker.take_back()

    sent = Notification.objects.filter(user_id__in=user_ids, status="sent")
    assert sent.count() == due, worker.logs()
    assert Counter(sent.values_list("kind", flat=True)) == {"checkin": patients, "dose": patients}
    # The emails do not name the reminder, so count them per person: one per reminder at most.
    # The claim goes in before the email: a kill between the two loses that email (at most one
    # per worker thread); it never sends one twice.
    emails = Counter(to for to, _ in worker.emails_sent())
    assert max(emails.values()) <= 2
    assert due - 2 <= emails.total() <= due
