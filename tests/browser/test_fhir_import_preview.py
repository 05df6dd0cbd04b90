"""In a real browser: the FHIR import preview says whose record a Bundle is, asks for a
confirmation when it is not clearly ours, and shows the dose it keeps and the MME change."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from taperwell.demo.ehr import BUNDLE
from taperwell.medications.models import PatientMedication
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    assert_accessible,
    pass_second_factor,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bundle_for_someone_else_needs_a_tick_before_its_medicines_are_added(page, live_server):
    clinic = factories.make_clinic("Riverside Pain & Wellness")
    doctor = factories.make_staff(clinic, "clinician", totp=False, email="doc@example.org")
    secret = factories.give_totp(doctor)
    maria = factories.make_patient(clinic, clinician=doctor, full_name="Maria Alvarez")
    maria.date_of_birth = date(1962, 3, 14)
    maria.save()

    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "doc@example.org", factories.PASSWORD)
    pass_second_factor(page, secret)
    page.goto(f"{live_server.url}/clinic/patients/{maria.public_id}/fhir-import/")
    page.get_by_label("FHIR Bundle (JSON) from the health record").set_input_files(str(BUNDLE))
    page.get_by_role("button", name="Check this file").click()

    expect(page.get_by_text("Check before adding:")).to_be_visible()
    expect(page.get_by_test_id("bundle-name")).to_have_text("Dorothy Brown")
    expect(page.get_by_test_id("bundle-birth-date")).to_have_text("Sep 30, 1949")
    expect(page.get_by_test_id("mme-change")).to_contain_text("0 now → 30 after")
    expect(page.get_by_text("ibuprofen (over the counter)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "fhir-import-preview-someone-else")

    add = page.get_by_role("button", name="Add 2 medicines")
    add.click()  # the browser asks for the tick first
    assert not PatientMedication.objects.filter(patient=maria).exists()
    page.get_by_label("I have checked: this record belongs to Maria Alvarez.").check()
    add.click()
    expect(page.get_by_text("Added 2 medicines; 1 to add by hand.")).to_be_visible()
    drugs = sorted(PatientMedication.objects.filter(patient=maria).values_list("drug", flat=True))
    assert drugs == ["hydrocodone", "naproxen"]
