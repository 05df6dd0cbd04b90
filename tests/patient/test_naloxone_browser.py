"""In a real browser at phone and desktop width: a patient fills in their naloxone plan."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from taperwell.medications.models import NaloxonePlan, PatientMedication
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which the site's CSP rightly blocks."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_patient_on_a_high_dose_records_where_their_naloxone_is(page, live_server, viewport):
    clinic = factories.make_clinic("Riverside Pain & Wellness")
    patient = factories.make_patient(clinic, email="rosa@example.org", full_name="Rosa Diaz")
    PatientMedication.objects.create(
        patient=patient,
        drug="oxycodone",
        form="tablet",
        release="IR",
        strength=Decimal(30),
        unit="mg",
        times=["08:00", "20:00"],
    )
    page.set_viewport_size(viewport)
    tag = "phone" if viewport is PHONE else "desktop"
    sign_in(page, live_server.url, "rosa@example.org", factories.PASSWORD)

    page.goto(f"{live_server.url}/my-medicines/")
    expect(page.get_by_text("Do you have naloxone at home?")).to_be_visible()
    screenshot(page, f"naloxone-card-asks-{tag}")
    page.get_by_role("link", name="Answer 4 short questions").click()

    page.get_by_label("Yes").first.check()
    page.get_by_label("Where do you keep it?").fill("Kitchen drawer")
    page.get_by_label("When does it expire?").fill("2027-03-31")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, f"naloxone-form-{tag}")
    page.get_by_role("button", name="Save my naloxone plan").click()

    expect(page.get_by_text("Kitchen drawer")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, f"naloxone-card-saved-{tag}")
    assert NaloxonePlan.objects.get(patient=patient).kept_where == "Kitchen drawer"
