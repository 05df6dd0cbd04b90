"""The patient's naloxone plan: the card, the form, the care team's line, the renewal reminder."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from taperwell.audit.models import AuditEvent
from taperwell.checkins.selectors import clinic_today
from taperwell.medications.models import NaloxonePlan, PatientMedication
from taperwell.medications.selectors import naloxone_expires_on
from taperwell.medications.services import naloxone_plan_save
from taperwell.notifications.models import Kind, Notification
from taperwell.notifications.reminders import send_due_reminders_now

pytestmark = pytest.mark.django_db

URL = "/my-medicines/naloxone/"


@pytest.fixture
def on_high_dose(patient):
    """90 MME a day of oxycodone: the clinical core advises naloxone (CDC-2022 Rec 8)."""
    PatientMedication.objects.create(
        patient=patient,
        drug="oxycodone",
        form="tablet",
        release="IR",
        strength=Decimal(30),
        unit="mg",
        times=["08:00", "20:00"],
    )
    return patient


@pytest.fixture
def on_low_dose(patient):
    PatientMedication.objects.create(
        patient=patient,
        drug="ibuprofen",
        form="tablet",
        strength=Decimal(400),
        unit="mg",
        times=["08:00"],
    )
    return patient


def test_the_medicines_page_asks_about_naloxone_when_the_core_advises_it(client, on_high_dose):
    client.force_login(on_high_dose.user)
    page = client.get("/my-medicines/").content.decode()
    assert "Do you have naloxone at home?" in page
    assert "within about a week" in page.lower()
    assert "VA-OTDT; CDC-2022 Rec 8" in page
    assert URL in page


def test_the_card_stays_away_when_naloxone_is_not_advised_and_none_is_kept(client, on_low_dose):
    client.force_login(on_low_dose.user)
    page = client.get("/my-medicines/").content.decode()
    assert "My naloxone plan" not in page


def test_the_card_stays_for_someone_who_keeps_naloxone_though_the_core_does_not_advise_it(
    client, on_low_dose
):
    NaloxonePlan.objects.create(patient=on_low_dose, has_naloxone=True, kept_where="hall shelf")
    client.force_login(on_low_dose.user)
    page = client.get("/my-medicines/").content.decode()
    assert "My naloxone plan" in page
    assert "It is kept: hall shelf" in page


def test_the_card_shows_the_plan_and_warns_when_it_expires_within_a_month(client, on_high_dose):
    today = clinic_today(on_high_dose.clinic)
    naloxone_plan_save(
        patient=on_high_dose,
        has_naloxone=True,
        kept_where="Bathroom cabinet",
        expires_on=today + dt.timedelta(days=20),
        someone_knows=False,
    )
    client.force_login(on_high_dose.user)
    page = client.get("/my-medicines/").content.decode()
    assert "Bathroom cabinet" in page
    assert "It expires soon" in page
    assert "Show someone at home where it is" in page
    assert "Do you have naloxone at home?" not in page


def test_saving_the_form_stores_the_plan_and_audits_the_write(client, on_high_dose):
    client.force_login(on_high_dose.user)
    response = client.post(
        URL,
        {
            "has_naloxone": "yes",
            "kept_where": "Kitchen drawer",
            "expires_on": "2027-03-31",
            "someone_knows": "yes",
        },
    )
    assert response.status_code == 302
    plan = NaloxonePlan.objects.get(patient=on_high_dose)
    assert (plan.has_naloxone, plan.kept_where, plan.someone_knows) == (
        True,
        "Kitchen drawer",
        True,
    )
    assert plan.expires_on == dt.date(2027, 3, 31)
    assert AuditEvent.objects.filter(patient=on_high_dose, what="naloxone plan").exists()


def test_saying_no_naloxone_keeps_no_expiry_and_the_card_says_where_to_get_some(
    client, on_high_dose
):
    client.force_login(on_high_dose.user)
    client.post(URL, {"has_naloxone": "no", "expires_on": "2027-03-31"})
    plan = NaloxonePlan.objects.get(patient=on_high_dose)
    assert plan.has_naloxone is False
    assert plan.expires_on is None
    page = client.get("/my-medicines/").content.decode()
    assert "do not have naloxone at home yet" in page


def test_a_bad_date_returns_the_form_with_the_answers_kept_and_a_clear_message(
    client, on_high_dose
):
    client.force_login(on_high_dose.user)
    response = client.post(
        URL, {"has_naloxone": "yes", "kept_where": "By the front door", "expires_on": "31/31/2027"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please enter a date like 2027-05-31." in page
    assert 'value="By the front door"' in page
    assert 'value="yes" required id="id_has_naloxone_0" checked' in page
    assert not NaloxonePlan.objects.filter(patient=on_high_dose).exists()


def test_a_missing_first_answer_or_an_impossible_year_is_refused(client, on_high_dose):
    client.force_login(on_high_dose.user)
    assert "Please choose Yes, No" in client.post(URL, {}).content.decode()
    response = client.post(URL, {"has_naloxone": "yes", "expires_on": "2207-01-01"})
    assert "Please check the year" in response.content.decode()


def test_the_form_opens_with_the_saved_answers(client, on_high_dose):
    naloxone_plan_save(
        patient=on_high_dose, has_naloxone=True, kept_where="Glovebox", expires_on=None
    )
    client.force_login(on_high_dose.user)
    page = client.get(URL).content.decode()
    assert 'value="Glovebox"' in page


def test_the_care_team_sees_the_patients_plan_on_the_medicine_review(
    client, clinician, on_high_dose
):
    naloxone_plan_save(
        patient=on_high_dose,
        has_naloxone=True,
        kept_where="Kitchen drawer",
        expires_on=dt.date(2027, 3, 31),
        someone_knows=True,
    )
    client.force_login(clinician)
    page = client.get(f"/clinic/patients/{on_high_dose.public_id}/medicines/").content.decode()
    assert "naloxone at home (Kitchen drawer)" in page
    assert "expires 2027-03-31" in page
    assert "someone at home knows how to use it" in page


def test_the_care_team_sees_when_the_patient_has_not_answered(client, clinician, on_high_dose):
    client.force_login(clinician)
    page = client.get(f"/clinic/patients/{on_high_dose.public_id}/medicines/").content.decode()
    assert "Patient&#x27;s naloxone plan" in page or "Patient's naloxone plan" in page
    assert "not answered yet" in page


def test_the_expiry_is_read_only_while_the_patient_keeps_naloxone(patient):
    assert naloxone_expires_on(patient) is None
    naloxone_plan_save(patient=patient, has_naloxone=True, expires_on=dt.date(2027, 1, 2))
    assert naloxone_expires_on(patient) == dt.date(2027, 1, 2)
    naloxone_plan_save(patient=patient, has_naloxone=False, expires_on=dt.date(2027, 1, 2))
    assert naloxone_expires_on(patient) is None


def test_the_reminder_sweep_asks_to_renew_naloxone_a_month_before_it_expires(patient):
    now = timezone.now()
    expiry = clinic_today(patient.clinic) + dt.timedelta(days=21)
    naloxone_plan_save(patient=patient, has_naloxone=True, expires_on=expiry)
    send_due_reminders_now(now=now, patient_ids=[patient.pk])
    notice = Notification.objects.get(user=patient.user, kind=Kind.NALOXONE)
    assert notice.key == f"naloxone:{expiry}"
    assert notice.status == "sent"
    send_due_reminders_now(now=now, patient_ids=[patient.pk])
    assert Notification.objects.filter(user=patient.user, kind=Kind.NALOXONE).count() == 1


def test_no_naloxone_reminder_while_the_expiry_is_more_than_a_month_away(patient):
    expiry = clinic_today(patient.clinic) + dt.timedelta(days=60)
    naloxone_plan_save(patient=patient, has_naloxone=True, expires_on=expiry)
    send_due_reminders_now(now=timezone.now(), patient_ids=[patient.pk])
    assert not Notification.objects.filter(user=patient.user, kind=Kind.NALOXONE).exists()
