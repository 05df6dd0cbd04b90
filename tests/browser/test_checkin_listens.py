"""In a real browser on a phone: a check-in that fits one row per scale, points at what is missing,
and answers a hard day with help on the first screen after saving."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    screenshot,
    sign_in,
)
from tests.browser.test_patient_day import _answer_safety_questions, _choose
from tests.patient.test_checkin_response import _plan_in_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCALES = {
    "How bad is your pain today?": "8",
    "How well did you sleep last night?": "2",
    "How is your mood today?": "3",
    "How strong are withdrawal feelings today?": "8",
    "How strong is the urge to take more medicine?": "4",
}
SMALL_PHONE = {"width": 320, "height": 640}


def _open_checkin(page, live_server, viewport=PHONE, text_zoom=False):
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/checkin/")
    if text_zoom:
        # Text at 200%, as a patient with reading glasses sets it in the phone's settings.
        page.evaluate("document.documentElement.style.fontSize = '200%'")


def _scale_rows(page, question: str) -> int:
    tops = (
        page.get_by_role("group", name=question)
        .locator(".scale-option")
        .evaluate_all("options => options.map(o => Math.round(o.getBoundingClientRect().top))")
    )
    assert len(tops) == 11
    return len(set(tops))


def _in_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= page.viewport_size["height"]
    )


def test_a_hard_day_shows_the_four_offers_on_the_first_screen_after_saving(
    page, live_server, patient
):
    _plan_in_force(patient)
    _open_checkin(page, live_server)
    for question, answer in SCALES.items():
        _choose(page, question, answer)
        assert _scale_rows(page, question) == 1
    expect(page.get_by_text("0: no pain (best)")).to_be_visible()
    expect(page.get_by_text("10: very good (best)")).to_be_visible()
    _answer_safety_questions(page)
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "checkin-form")
    page.get_by_role("button", name="Save my check-in").click()

    expect(page.get_by_role("heading", name="That sounds like a hard day")).to_be_visible()
    offers = [
        page.get_by_role("link", name="Breathe slowly with me"),
        page.get_by_role("link", name="Open my flare plan"),
        page.get_by_role("link", name="Send my care team a message"),
        page.get_by_role("button", name="I need a pause"),
    ]
    for offer in offers:
        expect(offer).to_be_visible()
        assert _in_first_screen(page, offer), offer
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "checkin-response-hard-day")

    offers[3].click()  # one tap: the request goes to the care team
    expect(page).to_have_url(f"{live_server.url}/my-medicines/")
    expect(page.get_by_text("Your care team has your request to pause.")).to_be_visible()


def test_an_ordinary_day_gets_a_short_honest_word_and_no_offers(page, live_server, patient):
    _open_checkin(page, live_server)
    for question in SCALES:
        _choose(page, question, "5")
    _answer_safety_questions(page)
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_role("heading", name="Thank you. Your check-in is saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Breathe slowly with me")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "checkin-response-ordinary-day")


@pytest.mark.parametrize(
    ("viewport", "text_zoom"), [(PHONE, False), (SMALL_PHONE, True)], ids=["390", "320-200pct"]
)
def test_missing_answers_are_summed_up_at_the_top_which_takes_focus_and_links_to_each(
    page, live_server, patient, viewport, text_zoom
):
    _open_checkin(page, live_server, viewport, text_zoom)
    for question in SCALES:
        assert _scale_rows(page, question) == 1
    assert_no_sideways_scroll(page)
    _choose(page, "How bad is your pain today?", "6")
    page.get_by_role("button", name="Save my check-in").click()
    if text_zoom:
        page.evaluate("document.documentElement.style.fontSize = '200%'")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="Some answers need a second look.")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(
        9
    )  # 4 scales left, the doses, 4 safety questions
    summary.get_by_role("link", name="Have you had thoughts of hurting yourself").click()
    expect(
        page.get_by_role("group", name="Have you had thoughts of hurting yourself").get_by_role(
            "radio", name="Yes", exact=True
        )
    ).to_be_focused()
    for question in SCALES:
        assert _scale_rows(page, question) == 1
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "checkin-error-summary" + ("-200pct-text" if text_zoom else ""))
