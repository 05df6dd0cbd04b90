"""In a real browser: demo Maria's My medicines shows her plan's dose, not the prescription it
replaced, and her clinician's care page shows the same dose and her naloxone expiring soon."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from taperwell.accounts.models import User
from taperwell.demo.services import demo_load
from taperwell.medications.selectors import dose_of_record
from taperwell.patients.models import Patient
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    pass_second_factor,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_maria_and_her_clinician_see_one_dose_and_one_naloxone_status(
    page, live_server, production_rules
):
    demo_load()
    maria = Patient.objects.get(user__email="maria@example.org")
    record = dose_of_record(maria)
    mme = f"{record.mme_per_day.normalize():f}"

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@example.org", "taperwell-demo")
    page.goto(f"{live_server.url}/my-medicines/")
    mine = page.get_by_role("region", name="Medicines I take")
    # Both pre-taper lines (the ER tablets and the as-needed IR) are tapered by the plan.
    replaced = mine.locator("li.replaced")
    expect(replaced).to_have_count(2)
    for line in (replaced.nth(0), replaced.nth(1)):
        expect(line).to_contain_text("Replaced by your taper plan from")
        expect(line).not_to_contain_text("One tablet every 12 hours")
    expect(page.get_by_role("region", name="This week")).to_contain_text("20 mg")
    expect(page.get_by_role("region", name="This week")).to_contain_text(
        "only if needed: at most three 5 mg IR tablets of oxycodone a day"
    )
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "patient-my-medicines-dose-of-record")
    sign_out(page)

    doctor = User.objects.get(email="clinician@example.org")
    secret = factories.give_totp(doctor)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "clinician@example.org", "taperwell-demo")
    pass_second_factor(page, secret)
    page.goto(f"{live_server.url}/clinic/patients/{maria.public_id}/care/")
    dose = page.get_by_role("region", name="Dose of record")
    expect(dose).to_contain_text(f"{mme} MME a day")
    expect(dose).to_contain_text("From the approved taper plan, step 3")
    expect(dose).to_contain_text("oxycodone ER tablet: 20 mg at 08:00; 15 mg + 10 mg at 20:00")
    expect(dose.locator(".naloxone-status")).to_contain_text("At home, expires")
    expect(dose.locator(".naloxone-status")).to_contain_text("Renew soon")
    assert_accessible(page)
    screenshot(page, "care-patient-dose-of-record")

    page.goto(f"{live_server.url}/clinic/triage/?scope=all")
    row = page.locator("table.triage tbody tr", has_text="Maria Alvarez")
    expect(row).to_contain_text(mme)
