"""In a real browser: the check-in's safety questions start unanswered and are never lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn
from tests import factories
from tests.browser.helpers import PHONE, assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SELF_HARM = "Have you had thoughts of hurting yourself, or that you would be better off dead?"
OVERDOSE = "Since your last check-in, did you have an overdose?"
NALOXONE = "Since your last check-in, did anyone give you naloxone (Narcan)?"
NOT_PRESCRIBED = "Since your last check-in, did you take any opioid that was not prescribed to you?"


def _group(page, question: str):
    return page.get_by_role("group", name=question)


def _choose(page, question: str, answer: str) -> None:
    _group(page, question).get_by_role("radio", name=answer, exact=True).check()


def _fill_scales(page) -> None:
    _choose(page, "How bad is your pain today?", "6")
    _choose(page, "How well did you sleep last night?", "4")
    _choose(page, "How is your mood today?", "5")
    _choose(page, "How strong are withdrawal feelings today?", "3")
    _choose(page, "How strong is the urge to take more medicine?", "2")
    page.get_by_label("How many extra 'as needed' doses").fill("0")


def test_scrolling_past_the_safety_questions_records_nothing_and_asks_for_an_answer(
    page, live_server, patient
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/checkin/")
    for question in (SELF_HARM, OVERDOSE, NALOXONE, NOT_PRESCRIBED):
        radios = _group(page, question).get_by_role("radio")
        expect(radios.first).to_be_visible()
        for index in range(radios.count()):
            expect(radios.nth(index)).not_to_be_checked()
    expect(page.get_by_label("How many extra 'as needed' doses")).to_have_value("")
    _fill_scales(page)
    page.get_by_role("button", name="Save my check-in").click()

    expect(page.get_by_text("Some answers need a second look.")).to_be_visible()
    expect(_group(page, SELF_HARM).get_by_text("Please choose an answer.")).to_be_visible()
    assert not CheckIn.objects.exists()
    expect(
        _group(page, "How bad is your pain today?").get_by_role("radio", name="6")
    ).to_be_checked()
    assert_accessible(page)
    screenshot(page, "checkin-safety-unanswered")

    _choose(page, SELF_HARM, "I'd rather not say")
    for question in (OVERDOSE, NALOXONE, NOT_PRESCRIBED):
        _choose(page, question, "No")
    page.get_by_role("button", name="Save my check-in").click()

    expect(page.get_by_role("heading", name="That is OK. You don't have to say.")).to_be_visible()
    expect(page.get_by_role("link", name="Call 988")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "checkin-safety-rather-not-say")
    checkin = CheckIn.objects.get(patient=patient)
    assert (checkin.self_harm_thoughts, checkin.self_harm_declined) == (None, True)
    assert Flag.objects.get(patient=patient, rule="self-harm-not-answered").severity == "moderate"


def test_naloxone_given_since_the_last_check_in_shows_emergency_help_at_once(
    page, live_server, patient
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/checkin/")
    _fill_scales(page)
    _choose(page, SELF_HARM, "No")
    _choose(page, OVERDOSE, "No")
    _choose(page, NALOXONE, "Yes")
    _choose(page, NOT_PRESCRIBED, "I'd rather not say")
    page.get_by_role("button", name="Save my check-in").click()

    expect(page.get_by_role("link", name="Call 911")).to_be_visible()
    expect(page.get_by_text("give naloxone (Narcan) if you have it")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "checkin-safety-naloxone-used")
    assert CheckIn.objects.get(patient=patient).naloxone_used is True
    assert Flag.objects.get(patient=patient, rule="naloxone-used").severity == "urgent"
