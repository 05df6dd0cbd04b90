"""Issue 18, point 7: for each approved step, a printable prescription worksheet per opioid
product, with the patient's identifiers, the clinic, a prescriber line and a signature line;
for clinicians only; styled from a static file (the CSP allows no inline style)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from taperwell.patients.models import Patient
from taperwell.tapering.models import PrescribingPolicy
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(patient, clinician):
    Patient.objects.filter(pk=patient.pk).update(
        date_of_birth=date(1963, 4, 9), record_number="MRN-40417"
    )
    oxycodone_er(patient, clinician)
    start = local_today(patient.clinic) + timedelta(days=7)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    plan_approve(plan=plan, by=clinician, agreement="Agreed together")
    plan.refresh_from_db()
    return plan


def _step(plan, number: int) -> dict:
    return plan.schedule["steps"][number - 1]


def test_a_clinician_prints_a_worksheet_with_each_products_count_in_words_and_figures(
    client, clinician, approved
):
    # Step 2 of this plan: one 15 mg and one 10 mg ER tablet morning and evening, for a
    # 28-day step: 2 tablets a day x 28 days = 56 of each strength.
    step = _step(approved, 2)
    days = (date.fromisoformat(step["end_date"]) - date.fromisoformat(step["start_date"])).days
    assert days + 1 == 28
    client.force_login(clinician)
    response = client.get(reverse("tapering:worksheet", args=[approved.public_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Maria Alvarez" in page
    assert "Apr 9, 1963" in page
    assert "MRN-40417" in page
    assert approved.patient.clinic.name in page
    assert "oxycodone ER tablet 15 mg" in page
    assert "oxycodone ER tablet 10 mg" in page
    assert "56 (fifty-six)" in page
    assert "Prescriber (name, NPI, DEA number)" in page
    assert "Prescriber&#x27;s signature" in page or "Prescriber's signature" in page
    assert "never sends one" in page
    assert "tapering/print.css" in page
    assert "<style" not in page
    assert 'style="' not in page


def test_the_clinics_fill_length_caps_each_fill(client, clinician, approved):
    PrescribingPolicy.objects.create(clinic=approved.patient.clinic, fill_days=14)
    client.force_login(clinician)
    page = client.get(reverse("tapering:worksheet", args=[approved.public_id])).content.decode()
    # 2 tablets a day x 14 days = 28; no fill covers the whole 28-day step any more.
    assert "28 (twenty-eight)" in page
    assert "56 (fifty-six)" not in page


def test_only_clinicians_open_the_worksheet(
    client, approved, counsellor, front_desk, clinic_admin, stranger_clinician, clinician
):
    url = reverse("tapering:worksheet", args=[approved.public_id])
    assert client.get(url).status_code == 302  # anonymous: to sign in
    for person, status in (
        (counsellor, 403),
        (front_desk, 403),
        (clinic_admin, 403),
        (stranger_clinician, 404),
    ):
        client.force_login(person)
        assert client.get(url).status_code == status, person
    client.force_login(clinician)
    assert client.post(url).status_code == 405


def test_a_draft_has_no_worksheet(client, clinician, patient):
    oxycodone_er(patient, clinician)
    start = local_today(patient.clinic) + timedelta(days=7)
    draft = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    client.force_login(clinician)
    assert client.get(reverse("tapering:worksheet", args=[draft.public_id])).status_code == 404


def test_the_plan_page_offers_the_worksheet_to_clinicians_only(
    client, clinician, counsellor, approved
):
    url = reverse("tapering:plan", args=[approved.public_id])
    link = reverse("tapering:worksheet", args=[approved.public_id])
    client.force_login(clinician)
    assert link in client.get(url).content.decode()
    client.force_login(counsellor)
    assert link not in client.get(url).content.decode()


def test_a_clinics_fill_length_is_refused_beyond_the_bound_in_the_data(clinic):
    from django.core.exceptions import ValidationError

    from taperwell.clinical.prescription import load_fill_policy

    too_long = PrescribingPolicy(clinic=clinic, fill_days=load_fill_policy().at_most + 1)
    with pytest.raises(ValidationError):
        too_long.full_clean()
    PrescribingPolicy(clinic=clinic, fill_days=load_fill_policy().at_most).full_clean()


def test_opening_the_worksheet_is_audited_as_the_worksheet(client, clinician, approved):
    from taperwell.audit.models import AuditEvent

    client.force_login(clinician)
    client.get(reverse("tapering:worksheet", args=[approved.public_id]))
    last = AuditEvent.objects.filter(patient=approved.patient).order_by("pk").last()
    assert last.what == "prescription worksheet"


def test_a_formulation_change_has_its_own_row_in_ml_with_its_concentration(
    client, clinician, patient
):
    morphine = [
        {"drug": "morphine", "release": "ER", "strength": "30", "times": ["08:00", "20:00"]}
    ]
    start = local_today(patient.clinic) + timedelta(days=7)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start, morphine))
    plan_approve(plan=plan, by=clinician, agreement="Agreed together")
    client.force_login(clinician)

    page = client.get(reverse("tapering:worksheet", args=[plan.public_id])).content.decode()

    rows = [row.split("</tr>")[0] for row in page.split("<tr>")]
    rows = [row for row in rows if "morphine IR solution 2 mg/mL" in row]
    assert rows
    for row in rows:
        assert "tablet" not in row.split("</td>", 1)[1]
        assert "</strong> mL</td>" in row
        cells = row.split("<td")
        per_dose = cells[3]
        assert "mL" in per_dose or "varies" in per_dose
