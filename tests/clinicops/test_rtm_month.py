"""The remote-monitoring month: counts per patient and month, thresholds reached, the CSV against
a fixture built by hand, care time with entered in error, and CSV cells that cannot run."""

from __future__ import annotations

import csv
import datetime as dt
import io
from datetime import date

import pytest
from django.utils import timezone

from taperwell.checkins.models import CheckIn, QuestionnaireResponse
from taperwell.messaging.models import Message
from taperwell.messaging.services import message_send, thread_create
from taperwell.rtm.csv import safe_cell
from taperwell.rtm.models import CareTimeEntry
from taperwell.rtm.month import MonthCounts, load_rules, thresholds_reached
from taperwell.skills.models import PracticeSession
from taperwell.tapering.services import local_today
from tests import factories

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)


def _checkin(patient, day, status="current"):
    return CheckIn.objects.create(
        patient=patient, day=day, pain=5, sleep=5, mood=5, withdrawal=2, craving=1, status=status
    )


def _peg(patient, day):
    return QuestionnaireResponse.objects.create(
        patient=patient,
        instrument="peg",
        instrument_version="test",
        day=day,
        answers=[5, 5, 5],
        total=5,
    )


def _practice(patient, day):
    return PracticeSession.objects.create(
        patient=patient, practice_slug="breathing", practice_title="Breathing", day=day, minutes=5
    )


def _time(patient, by, day, minutes, kind="management", status="current"):
    return CareTimeEntry.objects.create(
        patient=patient, by=by, kind=kind, on=day, minutes=minutes, what="Reviewed", status=status
    )


def _on(day, hour=15):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def november(clinic, patient, other_patient, clinician):
    """Hand-built: what each patient did in November 2026, and things that must not count."""
    third = factories.make_patient(clinic, full_name="=HYPERLINK(evil)")
    # Maria: check-ins on the 2nd, 3rd, 4th; a PEG on the 4th (same day) and the 10th; a
    # practice on the 20th: 5 days. An entry marked in error (the 21st) and October's check-in
    # do not count. 12 + 9 minutes, the 9 a live call: 21 minutes with a call.
    for day in (2, 3, 4):
        _checkin(patient, NOV.replace(day=day))
    _checkin(patient, NOV.replace(day=21), status="entered_in_error")
    _checkin(patient, date(2026, 10, 31))
    _peg(patient, NOV.replace(day=4))
    _peg(patient, NOV.replace(day=10))
    _practice(patient, NOV.replace(day=20))
    _time(patient, clinician, NOV.replace(day=5), 12)
    _time(patient, clinician, NOV.replace(day=12), 9, kind="call")
    _time(patient, clinician, NOV.replace(day=13), 30, status="entered_in_error")
    _time(patient, clinician, date(2026, 12, 1), 40)
    # Other: check-ins on 17 days, 12 minutes, no call, one message exchange: data 16-30 only.
    for day in range(1, 18):
        _checkin(other_patient, NOV.replace(day=day))
    _time(other_patient, clinician, NOV.replace(day=8), 12)
    thread = thread_create(patient=other_patient, sender=other_patient.user, subject="Hi", body="?")
    message_send(thread=thread, sender=clinician, body="Hello")
    Message.objects.filter(thread=thread).update(created_at=_on(NOV.replace(day=9)))
    # Third: one day of data, nothing else: reaches nothing.
    _checkin(third, NOV.replace(day=30))
    return {"maria": patient, "other": other_patient, "third": third}


def _csv(client):
    response = client.get("/clinic/remote-monitoring/csv/?month=2026-11")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_counts_match_the_hand_built_month(client, clinician, november):
    client.force_login(clinician)
    rows = {row["patient"]: row for row in _csv(client)}
    maria = rows["Maria Alvarez"]
    assert (
        maria["days_with_data"],
        maria["care_minutes"],
        maria["interactive_calls"],
        maria["message_exchanges"],
    ) == ("5", "21", "1", "0")
    assert maria["thresholds_reached"] == (
        "Data on 2-15 days; 20 minutes or more of management with an interactive call"
    )
    assert "98980" in maria["cpt_codes_for_reference_only"]
    assert "verify" in maria["cpt_codes_for_reference_only"]
    other = rows["Other Patient"]
    assert (
        other["days_with_data"],
        other["care_minutes"],
        other["interactive_calls"],
        other["message_exchanges"],
    ) == ("17", "12", "0", "1")
    # 12 minutes but no live call: the management threshold is not reached on a message alone.
    assert other["thresholds_reached"] == "Data on 16-30 days"
    third = rows["'=HYPERLINK(evil)"]
    assert (third["days_with_data"], third["thresholds_reached"]) == ("1", "")
    assert {row["month"] for row in rows.values()} == {"2026-11"}


def test_the_month_report_shows_the_same_counts_and_says_it_never_submits_claims(
    client, clinic_admin, november
):
    client.force_login(clinic_admin)
    page = client.get("/clinic/remote-monitoring/?month=2026-11").content.decode()
    assert "never submits a claim" in page
    assert "November 2026" in page
    assert "98985" in page


def test_thresholds_follow_the_cited_bands():
    rules = load_rules()

    def reached(**counts):
        values = {"data_days": 0, "minutes": 0, "calls": 0, "exchanges": 0} | counts
        return [t.id for t in thresholds_reached(MonthCounts(**values), rules)]

    assert reached(data_days=1) == []
    assert reached(data_days=2) == ["data-2-15"]
    assert reached(data_days=15) == ["data-2-15"]
    assert reached(data_days=16) == ["data-16-30"]
    assert reached(minutes=10, calls=1) == ["manage-10"]
    assert reached(minutes=19, calls=1) == ["manage-10"]
    assert reached(minutes=20, calls=1) == ["manage-20"]
    assert reached(minutes=45, exchanges=3) == []


def test_a_clinician_logs_care_time_and_marks_it_in_error_with_a_reason(client, clinician, patient):
    client.force_login(clinician)
    today = local_today(patient.clinic).isoformat()
    url = f"/clinic/patients/{patient.public_id}/care-time/"
    response = client.post(
        url,
        {"kind": "call", "on": today, "minutes": 14, "what": "Called about the step"},
    )
    assert response.status_code == 302
    entry = CareTimeEntry.objects.get()
    assert (entry.by, entry.minutes, entry.kind) == (clinician, 14, "call")
    error_url = f"/clinic/care-time/{entry.public_id}/entered-in-error/"
    client.post(error_url, {"reason": "Logged twice"})  # not confirmed
    entry.refresh_from_db()
    assert entry.status == "current"
    client.post(error_url, {"reason": "Logged twice", "confirm": "on"})
    entry.refresh_from_db()
    assert (entry.status, entry.error_reason) == ("entered_in_error", "Logged twice")
    page = client.get(url).content.decode()
    assert "Logged twice" in page


def test_the_care_page_shows_this_months_minutes_to_clinicians_only(
    client, clinician, front_desk, patient
):
    _time(patient, clinician, local_today(patient.clinic), 17)
    client.force_login(clinician)
    care = client.get(f"/clinic/patients/{patient.public_id}/care/").content.decode()
    assert 'data-testid="rtm-minutes">17<' in care
    assert "Start timer" in care
    client.force_login(front_desk)
    care = client.get(f"/clinic/patients/{patient.public_id}/care/").content.decode()
    assert "rtm-minutes" not in care


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_could_run_as_a_formula_is_neutralised(text):
    assert safe_cell(text) == "'" + text


def test_a_plain_cell_is_left_alone():
    assert safe_cell("Maria Alvarez") == "Maria Alvarez"
    assert safe_cell(12) == "12"
