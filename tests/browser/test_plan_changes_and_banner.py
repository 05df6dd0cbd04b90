"""In a real browser, at 390 px and 1440 px: the banner on a patient's staff pages (identity,
dose of record, naloxone, plan, flags); a plan that would raise Maria's dose asks for a
confirmation and she is told in plain words; a flag's pause is one click away; a draft is
discarded; the record page takes a birth date, record number and phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from taperwell.accounts.models import User
from taperwell.care.models import Flag, FlagStatus
from taperwell.care.services import flag_raise
from taperwell.demo.services import demo_load
from taperwell.patients.models import Patient
from taperwell.tapering.models import PlanStatus, TaperPlan
from taperwell.tapering.selectors import current_plan
from taperwell.tapering.services import local_today, plan_draft
from tests import factories
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    pass_second_factor,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = {"width": 1440, "height": 900}


def _clinician(page, live_server, viewport) -> None:
    demo_load()
    doctor = User.objects.get(email="clinician@example.org")
    secret = factories.give_totp(doctor)
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "clinician@example.org", "taperwell-demo")
    pass_second_factor(page, secret)


def _draft_from_the_old_list(maria) -> TaperPlan:
    """A draft made from the pre-taper medicine list, as drafts were made before."""
    old = current_plan(maria)
    return plan_draft(
        patient=maria,
        by=old.approved_by,
        inputs={**old.inputs, "start_date": local_today(maria.clinic).isoformat()},
    )


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390px", "1440px"])
def test_a_higher_first_dose_needs_a_confirmation_and_the_patient_is_told(
    page, live_server, production_rules, viewport
):
    _clinician(page, live_server, viewport)
    maria = Patient.objects.get(full_name="Maria Alvarez")
    old = current_plan(maria)
    draft = _draft_from_the_old_list(maria)

    page.goto(f"{live_server.url}/clinic/taper-plans/{draft.public_id}/")
    banner = page.locator("[data-banner]")
    expect(banner).to_contain_text("RPW-100231")
    expect(banner).to_contain_text("born Mar 18, 1964")
    expect(banner.get_by_role("link", name="(555) 010-0142")).to_have_attribute(
        "href", "tel:+15550100142"
    )
    expect(banner).to_contain_text("MME/day")
    expect(banner).to_contain_text("awaiting approval")
    increase = page.locator("#increase")
    expect(increase).to_contain_text("This plan starts above today's dose")
    expect(increase).to_contain_text("tolerance may already be")
    expect(increase).to_contain_text("Naloxone:")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "plan-increase-confirmation")

    page.get_by_label("What was agreed with the patient").fill("Back up for a while; then slower.")
    page.get_by_role("button", name="Approve plan").click()
    expect(page.get_by_text("Confirm the increase to approve it.")).to_be_visible()
    assert TaperPlan.objects.get(pk=old.pk).status == PlanStatus.APPROVED

    page.get_by_label("I confirm this dose increase.").check()
    page.get_by_role("button", name="Approve plan").click()
    expect(page.get_by_text("Plan approved.")).to_be_visible()
    assert TaperPlan.objects.get(pk=old.pk).status == PlanStatus.CANCELLED
    expect(page.locator("#events-h + ol")).to_contain_text("Approved")

    sign_out(page)
    sign_in(page, live_server.url, "maria@example.org", "taperwell-demo")
    page.goto(f"{live_server.url}/notices/")
    expect(page.locator("main")).to_contain_text("Your new plan starts at a higher dose")
    expect(page.locator("main")).to_contain_text("Keep naloxone where someone can find it")
    assert_no_sideways_scroll(page)
    screenshot(page, "plan-increase-patient-notice")


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390px", "1440px"])
def test_a_flags_pause_is_one_click_and_a_draft_can_be_discarded(
    page, live_server, production_rules, viewport
):
    _clinician(page, live_server, viewport)
    maria = Patient.objects.get(full_name="Maria Alvarez")
    today = local_today(maria.clinic)
    flag = flag_raise(
        patient=maria,
        rule="withdrawal-severe",
        severity="high",
        reason="Withdrawal 8 or more for 3 days after the last step",
        action="pause",
        day=today - timedelta(days=1),
        source="bump-rules",
    )
    page.goto(f"{live_server.url}/clinic/patients/{maria.public_id}/care/")
    article = page.locator(f"#flag-{flag.public_id}")
    expect(article.get_by_role("option", name="Paused the taper")).to_have_count(0)
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "flag-suggested-actions")

    article.get_by_role("link", name="Pause the taper").click()
    expect(page.locator("#id_kind")).to_have_value("pause")
    expect(page.get_by_label("Reason (the patient sees it)")).to_contain_text("Withdrawal 8")
    screenshot(page, "flag-pause-prefilled")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("The flag is resolved with this decision.")).to_be_visible()
    assert current_plan(maria).status == PlanStatus.PAUSED
    assert Flag.objects.get(pk=flag.pk).status == FlagStatus.RESOLVED

    samuel = Patient.objects.get(full_name="Samuel Davis")
    draft = TaperPlan.objects.get(patient=samuel, status=PlanStatus.DRAFT)
    page.goto(f"{live_server.url}/clinic/taper-plans/{draft.public_id}/")
    page.locator("details.discard summary").click()
    page.get_by_label("Why discard this draft? (optional)").fill("Samuel wants to wait.")
    page.get_by_role("button", name="Discard draft").click()
    expect(page.get_by_text("Draft discarded.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Discarded draft")
    assert TaperPlan.objects.get(pk=draft.pk).status == PlanStatus.DISCARDED


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390px", "1440px"])
def test_the_record_page_takes_identity_and_the_banner_shows_it(
    page, live_server, production_rules, viewport
):
    _clinician(page, live_server, viewport)
    linda = Patient.objects.get(full_name="Linda Johnson")
    page.goto(f"{live_server.url}/clinic/patients/{linda.public_id}/")
    page.get_by_label("Clinic record number (MRN)").fill("RPW-555001")
    page.get_by_label("Phone").fill("(555) 010-0199")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    banner = page.locator("[data-banner]")
    expect(banner).to_contain_text("RPW-555001")
    expect(banner.get_by_role("link", name="(555) 010-0199")).to_have_attribute(
        "href", "tel:+15550100199"
    )
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "patient-record-identity")
    page.goto(f"{live_server.url}/clinic/patients/{linda.public_id}/care/")
    expect(page.get_by_role("link", name="Call Linda: (555) 010-0199")).to_have_attribute(
        "href", "tel:+15550100199"
    )
    screenshot(page, "care-banner-call")
