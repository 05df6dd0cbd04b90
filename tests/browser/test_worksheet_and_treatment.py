"""In a real browser at 1440 px: the prescription worksheet of a demo plan is styled from its
static stylesheet under the CSP, shows each product's quantity in figures and words, and prints
(print media, then a PDF); Bob's transition-to-treatment decision shows on his visit view within
the first screen, and he reads it on My medicines in plain words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from taperwell.accounts.models import User
from taperwell.demo.services import demo_load
from taperwell.patients.models import Patient
from taperwell.tapering.selectors import current_plan
from taperwell.tapering.treatment import PATIENT_TITLE
from tests import factories
from tests.browser.helpers import pass_second_factor, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = {"width": 1440, "height": 900}
QUANTITY = re.compile(r"\b\d+ \([a-z]+(?:[- ][a-z]+)*\) (tablets|capsules|patches|mL)")


def _clinician(page, live_server) -> None:
    demo_load()
    doctor = User.objects.get(email="clinician@example.org")
    secret = factories.give_totp(doctor)
    page.set_viewport_size(WIDE)
    sign_in(page, live_server.url, "clinician@example.org", "taperwell-demo")
    pass_second_factor(page, secret)


def test_the_prescription_worksheet_is_styled_under_the_csp_and_prints(
    page, live_server, production_rules
):
    _clinician(page, live_server)
    maria = Patient.objects.get(full_name="Maria Alvarez")
    plan = current_plan(maria)
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/clinic/taper-plans/{plan.public_id}/")
    page.get_by_role("link", name="Prescription worksheet").click()
    expect(page.get_by_role("heading", name="Prescription worksheet")).to_be_visible()
    # Waited for: the stylesheet may still be on its way when the heading shows.
    expect(page.locator("table").first).to_have_css("border-collapse", "collapse")
    expect(page.locator(".notice").first).to_have_css("border-top-style", "solid")
    expect(page.locator("td.quantity").first).to_have_css("white-space", "nowrap")
    assert not blocked
    text = page.inner_text("body")
    assert "Maria Alvarez" in text
    assert "MRN" in text
    assert "Prescriber's signature" in text
    assert "never sends one" in text
    quantities = QUANTITY.findall(text)
    assert quantities, text
    screenshot(page, "prescription-worksheet")

    page.emulate_media(media="print")
    assert page.locator(".no-print").first.evaluate("e => getComputedStyle(e).display") == "none"
    steps = page.locator(".worksheet-step")
    if steps.count() > 1:
        second = steps.nth(1).evaluate("e => getComputedStyle(e).breakBefore")
        assert second == "page"
    pdf = page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000


def test_bobs_treatment_decision_shows_on_his_visit_view_and_to_him(
    page, live_server, production_rules
):
    _clinician(page, live_server)
    bob = Patient.objects.get(full_name="Robert Williams")
    page.goto(f"{live_server.url}/clinic/patients/{bob.public_id}/visit/")
    line = page.locator("[data-visit=treatment]")
    expect(line).to_contain_text("Transition to medication treatment planned")
    expect(line).to_contain_text("buprenorphine")
    expect(line).to_contain_text("CDC-2022 Rec 12")
    box = line.bounding_box()
    assert box
    assert box["y"] + box["height"] <= WIDE["height"]
    assert page.evaluate("window.scrollY") == 0
    screenshot(page, "treatment-decision-visit")
    page.goto(f"{live_server.url}/clinic/taper-plans/{current_plan(bob).public_id}/")
    expect(page.locator("#events-h + ol")).to_contain_text("Medication treatment discussed")
    page.locator("#treatment-h").scroll_into_view_if_needed()
    screenshot(page, "treatment-decision-plan")

    page.context.clear_cookies()
    sign_in(page, live_server.url, "robert@example.org", "taperwell-demo")
    page.goto(f"{live_server.url}/my-medicines/")
    card = page.locator(".treatment-card")
    expect(card).to_contain_text(PATIENT_TITLE)
    expect(card).to_contain_text("buprenorphine")
    for word in ("addict", "abuse", "disorder", "misuse"):
        assert word not in card.inner_text().lower()
    screenshot(page, "treatment-decision-patient")
