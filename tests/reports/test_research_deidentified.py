"""The research export cannot be traced back to a person: no calendar dates, no date of making,
bands instead of exact doses, flag counts instead of flag days, and never fewer than 11 people."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from taperwell.checkins.models import CheckIn
from taperwell.checkins.selectors import clinic_today
from taperwell.patients.models import Patient
from taperwell.reports.services import research_consent_record
from tests import factories

pytestmark = pytest.mark.django_db
EXPORT = "/clinic/research/export.zip"
ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")


@pytest.fixture
def eleven_participants(maria):
    """The demo's patients and as many more as make eleven, all saying yes to research."""
    clinic = maria.clinic
    while Patient.objects.filter(clinic=clinic).count() < 11:
        factories.make_patient(clinic, full_name="Quentin Zabriskie")
    patients = list(Patient.objects.filter(clinic=clinic))
    for p in patients:
        research_consent_record(patient=p, given=True)
    return patients


def _archive(client, admin) -> zipfile.ZipFile:
    client.force_login(admin)
    response = client.get(EXPORT)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


def test_the_zip_does_not_carry_the_day_it_was_made(
    client, eleven_participants, clinic_admin_of_demo
):
    archive = _archive(client, clinic_admin_of_demo)
    assert archive.infolist()
    assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_no_calendar_date_appears_and_days_count_from_each_participants_enrolment(
    client, eleven_participants, maria, clinic_admin_of_demo
):
    archive = _archive(client, clinic_admin_of_demo)
    for name in archive.namelist():
        if name != "data_dictionary.csv":
            assert not ISO_DATE.search(archive.read(name).decode()), name
    enrolled = maria.enrolled_at.astimezone(ZoneInfo(maria.clinic.time_zone)).date()
    real = sorted(
        (c.day - enrolled).days for c in CheckIn.objects.filter(patient=maria, status="current")
    )
    assert real
    by_participant: dict[str, list[int]] = {}
    for row in _rows(archive, "checkins.csv"):
        by_participant.setdefault(row["study_id"], []).append(int(row["study_day"]))
    assert real in [sorted(days) for days in by_participant.values()]


def test_the_export_day_minus_the_last_check_in_no_longer_gives_the_enrolment_date(
    client, eleven_participants, clinic_admin_of_demo
):
    """The attack as it was found: the ZIP's date, less the shift seen in the last check-in."""
    archive = _archive(client, clinic_admin_of_demo)
    made = date(*archive.infolist()[0].date_time[:3])
    today = clinic_today(eleven_participants[0].clinic)
    assert made != today
    recovered = set()
    for row in _rows(archive, "checkins.csv"):
        recovered.add(made - timedelta(days=int(row["study_day"])))
    real = {p.enrolled_at.date() for p in eleven_participants if p.enrolled_at}
    assert not recovered & real


def test_the_baseline_dose_leaves_as_a_band_and_steps_as_a_percent_of_it(
    client, eleven_participants, maria, clinic_admin_of_demo
):
    from taperwell.tapering.selectors import current_plan

    plan = current_plan(maria)
    baseline = plan.schedule["baseline_mme_per_day"]
    archive = _archive(client, clinic_admin_of_demo)
    participants = _rows(archive, "participants.csv")
    assert "taper_baseline_mme" not in participants[0]
    bands = {row["baseline_mme_band"] for row in participants}
    assert bands <= {"", "under 50", "50-89", "90-199", "200 and over", "suppressed"}
    steps = _rows(archive, "taper_steps.csv")
    assert steps
    assert "mme_per_day" not in steps[0]
    expected = sorted(round(s["mme_per_day"] / baseline * 100) for s in plan.schedule["steps"])
    by_participant: dict[str, list[int]] = {}
    for row in steps:
        by_participant.setdefault(row["study_id"], []).append(int(row["percent_of_baseline"]))
    assert expected in [sorted(percents) for percents in by_participant.values()]
    assert str(baseline) not in {v for row in participants for v in row.values()}


def test_flags_leave_as_counts_per_thirty_day_period_without_their_days(
    client, eleven_participants, maria, clinic_admin_of_demo, django_capture_on_commit_callbacks
):
    from taperwell.care.services import flag_raise

    today = clinic_today(maria.clinic)
    with django_capture_on_commit_callbacks(execute=True):
        for days_ago in (1, 2):
            flag_raise(
                patient=maria,
                rule="self-harm",
                severity="urgent",
                reason="Said yes to thoughts of self-harm",
                action="call",
                day=today - timedelta(days=days_ago),
                source="check-in",
            )
    archive = _archive(client, clinic_admin_of_demo)
    assert "flags.csv" not in archive.namelist()
    rows = _rows(archive, "flag_counts.csv")
    assert set(rows[0]) == {"study_id", "period", "rule", "severity", "flags"}
    self_harm = [row for row in rows if row["rule"] == "self-harm"]
    from taperwell.care.models import Flag

    raised = Flag.objects.filter(patient__clinic=maria.clinic, rule="self-harm").count()
    assert raised >= 2
    assert sum(int(row["flags"]) for row in self_harm) == raised
    assert all(int(row["period"]) >= 1 for row in rows)


def test_the_export_is_refused_below_eleven_participants(
    client, demo_clinic, maria, clinic_admin_of_demo
):
    for p in Patient.objects.filter(clinic=demo_clinic)[:2]:
        research_consent_record(patient=p, given=True)
    client.force_login(clinic_admin_of_demo)
    response = client.get(EXPORT)
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "at least 11 patients" in response.content.decode()
    page = client.get("/clinic/research/").content.decode()
    assert "at least 11 patients" in page
    assert EXPORT not in page


def test_a_band_fewer_than_eleven_participants_share_is_suppressed(
    client, eleven_participants, clinic_admin_of_demo
):
    twelfth = factories.make_patient(eleven_participants[0].clinic, full_name="Twelfth Person")
    research_consent_record(patient=twelfth, given=True)
    for p in [*eleven_participants, twelfth]:
        p.date_of_birth = date(1961, 5, 17)
        p.save(update_fields=["date_of_birth"])
    lone = eleven_participants[0]
    lone.date_of_birth = date(1931, 1, 2)  # the only one in their nineties
    lone.save(update_fields=["date_of_birth"])
    bands = [
        row["age_band"] for row in _rows(_archive(client, clinic_admin_of_demo), "participants.csv")
    ]
    assert "90+" not in bands
    assert bands.count("suppressed") == 1  # the other eleven share one band, which stays


def test_the_data_dictionary_says_how_the_export_is_de_identified(
    client, eleven_participants, clinic_admin_of_demo
):
    archive = _archive(client, clinic_admin_of_demo)
    dictionary = archive.read("data_dictionary.csv").decode()
    assert "1980-01-01" in dictionary
    assert "enrolment" in dictionary
    assert "CMS cell-size suppression" in dictionary
    page = client.get("/clinic/research/").content.decode()
    assert "cms-cell-size-suppression-policy" in page


def test_the_dose_now_is_the_dose_of_record_as_a_band(
    client, eleven_participants, clinic_admin_of_demo
):
    from taperwell.medications.selectors import dose_of_record
    from taperwell.reports.research import mme_band

    archive = _archive(client, clinic_admin_of_demo)
    shown = sorted(row["dose_now_mme_band"] for row in _rows(archive, "participants.csv"))
    expected = []
    for patient in eleven_participants:
        mme = dose_of_record(patient).mme_per_day
        expected.append("unknown" if mme is None else mme_band(mme))
    counts = {band: expected.count(band) for band in expected}
    # Bands fewer than 11 people share leave as 'suppressed'; the others as the dose of record.
    expected = sorted(
        band if band == "unknown" or counts[band] >= 11 else "suppressed" for band in expected
    )
    assert shown == expected
