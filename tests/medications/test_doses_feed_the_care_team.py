"""Doses the patient marked taken reach the care team: a row of the visit view's 14-day strip,
the remote-monitoring month's days with data, and the patient's own export."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from taperwell.care.visit import checkin_strip
from taperwell.checkins.models import CheckIn
from taperwell.medications.models import DoseLog, DoseSlot
from taperwell.reports.patient_export import export_zip
from taperwell.rtm.selectors import month_for_patients
from taperwell.tapering.services import local_today

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)


def _mark(patient, day, *, time="08:00", undone=False, key=None):
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=15)
    return DoseLog.objects.create(
        patient=patient,
        day=day,
        slot=DoseSlot.AS_NEEDED if not time else DoseSlot.MORNING,
        time=time,
        line_key="oxycodone|er|tablet|scheduled",
        drug="oxycodone",
        product="oxycodone ER tablet",
        dose_text="30 mg x 1",
        amount=30,
        unit="mg",
        taken_at=at,
        idempotency_key=key or uuid.uuid4(),
        undone_at=at if undone else None,
    )


def test_the_visit_view_shows_a_row_of_doses_marked_taken(client, clinician, patient):
    today = local_today(patient.clinic)
    _mark(patient, today)
    _mark(patient, today, time="20:00")
    _mark(patient, today - timedelta(days=1), undone=True)
    _mark(patient, today - timedelta(days=2), time="")
    _mark(patient, today - timedelta(days=2), time="")
    client.force_login(clinician)

    html = client.get(reverse("care:visit", args=[patient.public_id])).content.decode()

    assert "Doses marked taken" in html
    _, rows = checkin_strip(patient, today=today)
    taken = next(r for r in rows if r.title == "Doses marked taken")
    assert [c.value for c in taken.cells[-3:]] == [2, 0, 2]
    assert {c.level for c in taken.cells} == {0}  # never a worry colour


def test_a_day_with_only_doses_marked_taken_counts_as_a_day_with_data(patient):
    CheckIn.objects.create(
        patient=patient, day=NOV.replace(day=2), pain=5, sleep=5, mood=5, withdrawal=2, craving=1
    )
    _mark(patient, NOV.replace(day=2))  # the same day as the check-in: still one day
    _mark(patient, NOV.replace(day=3))
    _mark(patient, NOV.replace(day=4), time="")
    _mark(patient, NOV.replace(day=5), undone=True)  # undone: not data
    _mark(patient, date(2026, 10, 31))  # another month

    (month,) = month_for_patients(
        [patient],
        first=NOV,
        last=date(2026, 11, 30),
        zone=zoneinfo.ZoneInfo(patient.clinic.time_zone),
    )

    assert month.counts.data_days == 3


def test_the_patients_export_holds_the_dose_log_in_the_clinics_time(patient):
    patient.clinic.time_zone = "America/New_York"
    patient.clinic.save()
    row = _mark(patient, date(2026, 11, 2))  # 15:00 UTC is 10:00 in New York
    _mark(patient, date(2026, 11, 3), undone=True)

    archive = zipfile.ZipFile(io.BytesIO(export_zip(patient)))

    lines = list(csv.DictReader(io.StringIO(archive.read("doses-taken.csv").decode())))
    assert len(lines) == 2
    first = lines[0]
    assert first["day"] == "2026-11-02"
    assert first["time_of_day"] == "Morning"
    assert first["medicine"] == "oxycodone ER tablet"
    assert first["dose"] == row.dose_text
    assert first["marked_at"].startswith("2026-11-02 10:00")
    assert first["undone_at"] == ""
    assert lines[1]["undone_at"] != ""
    assert "doses-taken.csv" in archive.read("README.txt").decode()


def test_demo_maria_has_doses_marked_taken_in_the_last_days(django_capture_on_commit_callbacks):
    from taperwell.demo.services import demo_load
    from taperwell.medications.dose_cards import scheduled_items
    from taperwell.medications.selectors import dose_of_record
    from taperwell.patients.models import Patient

    with django_capture_on_commit_callbacks(execute=True):
        clinic = demo_load()
    maria = Patient.objects.get(user__email="maria@example.org")
    today = local_today(clinic)
    marks = DoseLog.objects.filter(patient=maria)
    days = set(marks.values_list("day", flat=True))

    assert days
    assert all(today - timedelta(days=7) <= d < today for d in days)
    yesterday = marks.filter(day=today - timedelta(days=1)).exclude(time="")
    record = dose_of_record(maria, on=today - timedelta(days=1))
    expected = {(t, i.amount) for t, items in scheduled_items(record).items() for i in items}
    assert {(r.time, r.amount) for r in yesterday} == expected
    assert marks.filter(slot=DoseSlot.AS_NEEDED).exists()
    before = marks.count()
    demo_load()
    assert DoseLog.objects.filter(patient=maria).count() == before
