"""In a real browser: staff invite a patient, who joins, consents and lands on their home page;
a clinician signs in with a second factor under production rules."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from taperwell.enrolment.models import Consent
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


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_staff_invite_a_patient_who_joins_consents_and_lands_home(
    page, live_server, production_rules, viewport
):
    clinic = factories.make_clinic("Riverside Pain & Wellness")
    front_desk = factories.make_staff(
        clinic, "staff", totp=False, full_name="Casey Desk", email="desk@example.org"
    )
    secret = factories.give_totp(front_desk)
    factories.make_staff(clinic, "clinician", full_name="Dr. Priya Shah")
    page.set_viewport_size(viewport)
    tag = "phone" if viewport is PHONE else "desktop"

    sign_in(page, live_server.url, "desk@example.org", factories.PASSWORD)
    pass_second_factor(page, secret)
    expect(page.get_by_role("heading", name="Triage")).to_be_visible()

    page.goto(f"{live_server.url}/clinic/invitations/new/")
    page.get_by_label("Patient's full name").fill("Rosa Diaz")
    page.get_by_label("Printed code").check()
    page.get_by_label("Primary clinician").select_option(label="Dr. Priya Shah")
    assert_accessible(page)
    page.get_by_role("button", name="Create invitation").click()
    code_box = page.get_by_test_id("invitation-code")
    expect(code_box).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    code = code_box.inner_text()
    screenshot(page, f"invitation-code-{tag}")
    sign_out(page)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Start with your code").click()
    page.get_by_label("Your invitation code").fill("WRONG-123")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("We could not find that code")).to_be_visible()
    expect(page.get_by_label("Your invitation code")).to_have_value("WRONG-123")
    page.get_by_label("Your invitation code").fill(code.lower())
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Welcome to Riverside Pain & Wellness")).to_be_visible()
    page.get_by_label("What should we call you?").fill("Rosa")
    page.get_by_label("Your email").fill("rosa@example.org")
    page.get_by_label("Choose a password").fill("my garden in spring")
    page.get_by_label("Type the password again").fill("my garden in spring")
    assert_accessible(page)
    screenshot(page, f"enrol-account-{tag}")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Before we start, Rosa")).to_be_visible()
    page.get_by_role("button", name="I agree, let's begin").click()
    expect(page.get_by_text("Please tick the box")).to_be_visible()  # nothing is assumed
    page.get_by_label("For now, I want the skills and the check-ins, without a taper.").check()
    page.get_by_label("I have read this, and I agree").check()
    assert_accessible(page)
    screenshot(page, f"enrol-consent-{tag}")
    page.get_by_role("button", name="I agree, let's begin").click()

    expect(page.get_by_role("heading", name="Hello, Rosa")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("Crisis help: call or text 988"))
    ).to_be_visible()
    expect(page.get_by_text("Dr. Priya Shah")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, f"patient-today-{tag}")
    assert Consent.objects.filter(patient__user__email="rosa@example.org").count() == 1


def test_a_clinician_without_an_authenticator_sets_one_up_before_seeing_patients(
    page, live_server, production_rules
):
    clinic = factories.make_clinic()
    factories.make_staff(clinic, "clinician", totp=False, email="doc@example.org")
    sign_in(page, live_server.url, "doc@example.org", factories.PASSWORD)
    page.goto(f"{live_server.url}/clinic/patients/")
    expect(page.get_by_text("needs a second sign-in step")).to_be_visible()
    # Changing sign-in security asks for the password once more, even right after signing in.
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    screenshot(page, "clinician-totp-setup")
    page.get_by_label("Authenticator code").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("button", name="Activate")).to_have_count(0)
    page.goto(f"{live_server.url}/clinic/patients/")
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()


def test_a_clinician_signs_in_with_a_code_from_their_authenticator(
    page, live_server, production_rules
):
    clinic = factories.make_clinic()
    clinician = factories.make_staff(clinic, "clinician", totp=False, email="doc@example.org")
    secret = factories.give_totp(clinician)
    factories.make_patient(clinic, clinician=clinician, full_name="Maria Alvarez")
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "doc@example.org", factories.PASSWORD)
    expect(page.get_by_label("Authenticator code")).to_be_visible()
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    page.goto(f"{live_server.url}/clinic/patients/")
    assert "/clinic/patients/" not in page.url  # not signed in without the second factor
    expect(page.get_by_role("link", name="Maria Alvarez")).to_have_count(0)
    pass_second_factor(page, secret)
    expect(page.get_by_role("link", name="Maria Alvarez")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "clinician-panel")
