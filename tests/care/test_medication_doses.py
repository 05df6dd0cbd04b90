"""The medicines page with doses the clinical core refuses (issue 13): refused on entry, and a row
saved before the rule existed still shows the page, with the problem named instead of a guess."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from taperwell.medications.models import PatientMedication
from tests.care.builders import oxycodone_er

pytestmark = pytest.mark.django_db


def _add(client, patient, **fields):
    return client.post(reverse("medications:list", args=[patient.public_id]), fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"drug": "oxycodone", "form": "tablet", "release": "IR", "strength": "10",
             "unit": "mcg", "times_text": "08:00, 20:00"},
            "dosed in mg, not mcg",
        ),
        (
            {"drug": "fentanyl", "form": "patch", "strength": "2500", "unit": "mcg/h",
             "times_text": "08:00"},
            "above the plausible most",
        ),
        (
            {"drug": "oxycodone", "form": "tablet", "release": "IR", "strength": "0",
             "unit": "mg", "times_text": "08:00"},
            "more than 0",
        ),
    ],
)  # fmt: skip
def test_a_dose_the_core_refuses_is_refused_on_the_medicines_page(
    client, clinician, patient, fields, message
):
    client.force_login(clinician)
    response = _add(client, patient, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PatientMedication.objects.filter(patient=patient, drug=fields["drug"]).exists()


def test_a_saved_row_with_an_impossible_unit_still_shows_the_review_and_names_the_problem(
    client, clinician, patient
):
    oxycodone_er(patient, clinician)
    PatientMedication.objects.create(
        patient=patient,
        drug="oxycodone",
        form="tablet",
        release="IR",
        strength=Decimal(10),
        unit="mcg",
        times=["08:00"],
        created_by=clinician,
    )
    client.force_login(clinician)
    response = client.get(reverse("medications:list", args=[patient.public_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "dose cannot be used" in page
    assert "dosed in mg, not mcg" in page
    assert "90 MME a day" in page


def test_fourteen_hydrocodone_ir_tablets_a_day_show_the_acetaminophen_maximum(
    client, clinician, patient
):
    PatientMedication.objects.create(
        patient=patient,
        drug="hydrocodone",
        form="tablet",
        release="IR",
        strength=Decimal(10),
        unit="mg",
        times=[f"{hour:02d}:00" for hour in range(7, 21)],
        created_by=clinician,
    )
    client.force_login(clinician)
    page = client.get(reverse("medications:list", args=[patient.public_id])).content.decode()
    assert "4550 mg a day, above the label maximum of 4000 mg a day" in page


def test_a_topical_in_percent_is_still_accepted(client, clinician, patient):
    client.force_login(clinician)
    response = _add(
        client, patient, drug="lidocaine", form="patch", strength="5", unit="%", times_text="08:00"
    )
    assert response.status_code == 302
    page = client.get(reverse("medications:list", args=[patient.public_id])).content.decode()
    assert "cannot be used" not in page
