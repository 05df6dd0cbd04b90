"""In a real browser: after a hard check-in (withdrawal 8 of 10), the response offers the pacer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import PHONE, assert_accessible, screenshot, sign_in
from tests.browser.test_patient_day import _answer_safety_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def test_after_a_check_in_with_withdrawal_8_the_pacer_is_offered(page, live_server, patient):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.get_by_role("link", name="Check in now").click()
    _choose(page, "How bad is your pain today?", "5")
    _choose(page, "How well did you sleep last night?", "4")
    _choose(page, "How is your mood today?", "5")
    _choose(page, "How strong are withdrawal feelings today?", "8")
    page.get_by_label("Sweating or chills").check()
    _choose(page, "How strong is the urge to take more medicine?", "2")
    _answer_safety_questions(page)
    page.get_by_role("button", name="Save my check-in").click()

    # The response screen names what made it hard and offers the pacer first.
    expect(page.get_by_role("heading", name="That sounds like a hard day")).to_be_visible()
    expect(page.get_by_text("Withdrawal was hard today.")).to_be_visible()
    offer = page.get_by_role("list", name="Help for right now").get_by_role("link")
    expect(offer.first).to_have_attribute("href", "/skills/breathe/")
    assert_accessible(page)
    screenshot(page, "skills-offered-after-checkin")
    offer.first.click()
    expect(page.get_by_role("button", name="Start")).to_be_visible()
