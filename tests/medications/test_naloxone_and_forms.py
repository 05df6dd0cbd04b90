"""One naloxone status on every page, an expiry the care team sees too, and an Add medicine
form that never guesses immediate or extended release."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from taperwell.checkins.selectors import clinic_today
from taperwell.medications.forms import MedicationForm
from taperwell.medications.models import NaloxonePlan, PatientMedication, RiskProfile
from taperwell.medications.services import naloxone_plan_save
from taperwell.reports.pdf import summary_html
from taperwell.reports.summary import visit_summary

pytestmark = pytest.mark.django_db

STATE = 'data-naloxone-state="'


def _states(html: str) -> set[str]:
    return {part.split('"', 1)[0] for part in html.split(STATE)[1:]}


def test_naloxone_on_the_medicine_list_reads_the_same_on_every_staff_page(
    client, patient, clinician
):
    PatientMedication.objects.create(
        patient=patient, drug="naloxone", form="spray", strength=4, unit="mg", as_needed=True
    )
    client.force_login(clinician)
    review = client.get(reverse("medications:list", args=[patient.public_id])).content.decode()
    care = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    pdf = summary_html(visit_summary(patient))
    assert _states(review) == _states(care) == {"prescribed"}
    words = "On the medicine list; not confirmed at home"
    assert words in review
    assert words in care
    assert f"Naloxone: {words}" in pdf
    assert "not on the medicine list" not in pdf
    assert "Unknown" not in review  # the risk history no longer has its own naloxone answer


def test_the_patients_naloxone_at_home_is_what_the_care_team_sees(client, patient, clinician):
    today = clinic_today(patient.clinic)
    naloxone_plan_save(patient=patient, has_naloxone=True, expires_on=today + timedelta(days=21))
    RiskProfile.objects.create(patient=patient, has_naloxone=False)  # an old clinic answer
    client.force_login(clinician)
    care = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert _states(care) == {"at_home"}
    assert "(in 21 days)" in care
    assert "Renew soon" in care
    client.force_login(patient.user)
    mine = client.get(reverse("checkins:medicines")).content.decode()
    assert "It expires soon" in mine


def test_a_naloxone_expiry_more_than_30_days_away_is_not_flagged(client, patient, clinician):
    today = clinic_today(patient.clinic)
    NaloxonePlan.objects.create(
        patient=patient, has_naloxone=True, expires_on=today + timedelta(days=45)
    )
    client.force_login(clinician)
    care = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert "Renew soon" not in care


def _form(**fields):
    data = {
        "drug": "oxycodone",
        "form": "tablet",
        "strength": "30",
        "unit": "mg",
        "times_text": "08:00, 20:00",
        **fields,
    }
    return MedicationForm(data=data)


def test_adding_a_medicine_that_comes_as_ir_and_er_needs_the_release():
    form = _form(release="")
    assert not form.is_valid()
    assert "immediate or extended release" in form.errors["release"][0]
    assert _form(release="ER").is_valid()


def test_a_medicine_with_one_release_does_not_ask_for_it():
    form = _form(drug="gabapentin", form="capsule", strength="300", release="")
    assert form.is_valid(), form.errors


def test_the_add_medicine_page_refuses_oxycodone_without_a_release(client, patient, clinician):
    client.force_login(clinician)
    response = client.post(
        reverse("medications:list", args=[patient.public_id]),
        {"drug": "oxycodone", "strength": "30", "unit": "mg", "times_text": "08:00"},
    )
    assert response.status_code == 400
    assert "immediate or extended release" in response.content.decode()
    assert not PatientMedication.objects.filter(patient=patient).exists()
