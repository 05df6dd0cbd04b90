"""After the taper: a finished plan moves the patient to maintenance, where check-ins are asked
for at the clinic's slower cadence, and missed ones count from when one was due."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from taperwell.audit.models import AuditEvent
from taperwell.care.models import Flag
from taperwell.care.services import bumps_evaluate
from taperwell.checkins.models import CheckIn
from taperwell.checkins.selectors import clinic_today
from taperwell.notifications.models import Notification
from taperwell.notifications.reminders import send_due_reminders_now
from taperwell.patients.models import PatientStatus
from taperwell.tapering.services import plan_approve, plan_complete, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db

CALM = {"pain": 4, "sleep": 6, "mood": 6, "withdrawal": 0, "craving": 1}


def _finished_plan(patient, clinician, today: date):
    oxycodone_er(patient, clinician)
    plan = plan_draft(
        patient=patient,
        by=clinician,
        inputs=ten_percent_inputs(today - timedelta(days=900)),
        patient_preference="Slowly",
    )
    plan = plan_approve(
        plan=plan, by=clinician, agreement="10% a month", today=today - timedelta(days=900)
    )
    return plan_complete(plan=plan, by=clinician, on=today, reason="Last step reached")


def _in_maintenance(patient, every: int = 7):
    patient.clinic.maintenance_checkin_every_days = every
    patient.clinic.save()
    patient.status = PatientStatus.MAINTENANCE
    patient.save()
    return patient


def _checkins(patient, days: list[date]):
    CheckIn.objects.bulk_create(CheckIn(patient=patient, day=d, **CALM) for d in days)


def test_finishing_a_plan_starts_maintenance_and_a_new_plan_ends_it(patient, clinician):
    today = clinic_today(patient.clinic)
    _finished_plan(patient, clinician, today)
    patient.refresh_from_db()
    assert patient.status == PatientStatus.MAINTENANCE
    assert AuditEvent.objects.filter(
        patient=patient, actor=clinician, what="phase active to maintenance"
    ).exists()

    again = plan_draft(
        patient=patient,
        by=clinician,
        inputs=ten_percent_inputs(today + timedelta(days=7)),
        patient_preference="Try again after the summer",
    )
    plan_approve(plan=again, by=clinician, agreement="Start again slowly")
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ACTIVE


def test_weekly_check_ins_in_maintenance_raise_no_missed_check_in_flag(patient):
    today = clinic_today(patient.clinic)
    _in_maintenance(patient)
    _checkins(patient, [today - timedelta(days=n) for n in (35, 28, 21, 14, 7, 1)])
    bumps_evaluate(patient=patient, today=today)
    assert not Flag.objects.filter(patient=patient, rule="missed-checkins").exists()


def test_in_maintenance_a_long_silence_is_still_noticed(patient):
    today = clinic_today(patient.clinic)
    _in_maintenance(patient)
    _checkins(patient, [today - timedelta(days=n) for n in (25, 18, 11)])
    bumps_evaluate(patient=patient, today=today)
    flag = Flag.objects.get(patient=patient, rule="missed-checkins")
    assert "one every 7 days was expected" in flag.reason


ONE_PM_IN_NEW_YORK = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("last_days_ago", "reminded"), [(3, False), (6, False), (7, True)])
def test_in_maintenance_the_check_in_reminder_waits_for_the_cadence(
    patient, last_days_ago, reminded
):
    _in_maintenance(patient)
    local_today = date(2026, 11, 20)
    _checkins(patient, [local_today - timedelta(days=last_days_ago)])
    send_due_reminders_now(now=ONE_PM_IN_NEW_YORK)
    keys = set(
        Notification.objects.filter(user=patient.user, kind="checkin").values_list("key", flat=True)
    )
    assert ("checkin:2026-11-20" in keys) is reminded


def test_a_patient_on_daily_check_ins_is_reminded_every_day(patient):
    _checkins(patient, [date(2026, 11, 19)])
    send_due_reminders_now(now=ONE_PM_IN_NEW_YORK)
    assert Notification.objects.filter(user=patient.user, key="checkin:2026-11-20").exists()


def test_today_says_when_the_next_check_in_is_due(client, patient):
    _in_maintenance(patient)
    today = clinic_today(patient.clinic)
    _checkins(patient, [today - timedelta(days=2)])
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert "Your taper is finished" in page
    assert "once every 7 days" in page
    assert (today + timedelta(days=5)).strftime("%A") in page
    assert "Check in anyway" in page


def test_a_clinician_moves_a_patient_to_maintenance_and_back(client, clinician, patient):
    client.force_login(clinician)
    url = reverse("care:phase", args=[patient.public_id])
    client.post(url, {"phase": "maintenance"})
    patient.refresh_from_db()
    assert patient.status == PatientStatus.MAINTENANCE
    page = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert "a check-in once every 7 days" in page
    dashboard = client.get("/clinic/triage/?mine=0").content.decode()
    assert "Maintenance (taper finished)" in dashboard
    client.post(url, {"phase": "active"})
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ACTIVE


def test_a_patient_with_a_plan_in_force_is_not_moved_to_maintenance(client, clinician, patient):
    oxycodone_er(patient, clinician)
    today = clinic_today(patient.clinic)
    plan = plan_draft(
        patient=patient, by=clinician, inputs=ten_percent_inputs(today), patient_preference=""
    )
    plan_approve(plan=plan, by=clinician, agreement="10% a month")
    client.force_login(clinician)
    response = client.post(
        reverse("care:phase", args=[patient.public_id]), {"phase": "maintenance"}, follow=True
    )
    assert "Finish or cancel the taper plan" in response.content.decode()
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ACTIVE


def test_only_a_clinician_changes_the_phase(client, counsellor, patient):
    client.force_login(counsellor)
    response = client.post(
        reverse("care:phase", args=[patient.public_id]), {"phase": "maintenance"}
    )
    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ACTIVE


def test_a_check_in_any_day_in_maintenance_is_still_kept(client, patient):
    from taperwell.checkins.services import checkin_submit

    _in_maintenance(patient)
    saved = checkin_submit(patient=patient, idempotency_key=uuid.uuid4(), prn_doses=0, **CALM)
    assert saved.created


def test_my_medicines_after_the_taper_speaks_of_a_finished_taper(client, patient):
    _in_maintenance(patient)
    client.force_login(patient.user)
    page = client.get("/my-medicines/").content.decode()
    assert "Your taper is finished" in page
    assert "No medicines on your list right now" in page
    assert "Ask for a pause" not in page
    assert "has not entered your medicines" not in page


def test_the_clinician_is_told_what_the_move_means(client, clinician, patient):
    client.force_login(clinician)
    response = client.post(
        reverse("care:phase", args=[patient.public_id]), {"phase": "maintenance"}, follow=True
    )
    assert "a check-in once every 7 days." in response.content.decode()
