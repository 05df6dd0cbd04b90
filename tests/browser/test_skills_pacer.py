"""In a real browser: the breathing pacer keeps the chosen pace, and with reduced motion it
gives the words without moving."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from taperwell.skills.models import PracticeSession
from tests import factories
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records each phase change of the pacer with the page's own clock.
RECORD_PHASES = """() => {
  window.phases = [];
  const stage = document.getElementById('pacer-stage');
  new MutationObserver(() => window.phases.push([stage.dataset.phase, performance.now()]))
    .observe(stage, {attributes: true, attributeFilter: ['data-phase']});
}"""


@pytest.fixture
def maria(db):
    clinic = factories.make_clinic("Riverside Pain & Wellness")
    return factories.make_patient(clinic, email="maria@test.example", full_name="Maria Alvarez")


def test_the_pacer_follows_the_chosen_pace_for_a_short_session_which_is_then_logged(
    page, live_server, maria
):
    page.set_viewport_size(PHONE)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/skills/breathe/?seconds=10")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "skills-pacer-setup")
    page.reload()  # a full-page screenshot can leave the page scrolled oddly for the next click
    expect(page.locator("#pacer-summary")).to_have_text("4 seconds in, 6 seconds out.")
    start = page.get_by_role("button", name="Start breathing")
    assert start.bounding_box()["y"] < PHONE["height"] / 2  # Start first; its settings folded
    expect(page.get_by_label("Breaths a minute")).to_be_hidden()
    page.get_by_text("Change the pace or add sounds").click()
    page.get_by_label("Breaths a minute").select_option("12")
    page.get_by_label("Breathing out, compared with breathing in").select_option("1.5")
    expect(page.locator("#pacer-summary")).to_have_text("2 seconds in, 3 seconds out.")
    page.get_by_text("How do you feel before you start?").click()
    page.get_by_label("Pain now, before you start").fill("6")
    page.get_by_label("Distress or upset now, before you start").fill("5")

    page.evaluate(RECORD_PHASES)
    page.get_by_role("button", name="Start breathing").click()
    cue = page.locator("#pacer-cue")
    page.wait_for_timeout(500)
    assert not errors, errors
    expect(cue).to_have_text("Breathe in")
    expect(page.locator("#pacer-stage")).to_be_visible()
    page.wait_for_timeout(900)
    screenshot(page, "skills-pacer-running")
    expect(cue).to_have_text("Breathe out", timeout=3000)

    after = page.get_by_text("Well done. How do you feel now?")
    expect(after).to_be_visible(timeout=15000)
    expect(after).to_be_focused()  # the keyboard and screen reader land on the question
    phases = page.evaluate("window.phases")
    names = [name for name, _ in phases]
    assert names == ["in", "out", "in", "out", "done"]
    times = [at for _, at in phases]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    for gap, expected in zip(gaps, [2000, 3000, 2000, 3000], strict=True):
        assert abs(gap - expected) < 300, f"phase lasted {gap:.0f} ms, not {expected}"

    expect(page.get_by_label("Minutes you practiced")).to_have_value("1")
    page.get_by_label("Pain now, after the practice").fill("4")
    page.get_by_label("Distress or upset now, after the practice").fill("2")
    page.get_by_role("button", name="Save this practice").click()
    expect(page.get_by_text("Your pain went from 6 to 4")).to_be_visible()
    session = PracticeSession.objects.get(patient=maria)
    assert (session.practice_slug, session.minutes) == ("breathing-pacer", 1)
    assert (session.distress_before, session.distress_after) == (5, 2)


def test_with_reduced_motion_the_pacer_shows_the_words_and_nothing_moves(
    browser, live_server, maria
):
    context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
        page.goto(f"{live_server.url}/skills/breathe/?seconds=5")
        page.get_by_text("Change the pace or add sounds").click()
        page.get_by_label("Breaths a minute").select_option("12")
        page.get_by_role("button", name="Start breathing").click()
        stage = page.locator("#pacer-stage")
        expect(stage).to_have_attribute("data-motion", "off")
        cue = page.get_by_role("status").filter(has_text="Breathe")
        expect(cue).to_have_text("Breathe in")
        shape = page.locator(".pacer-shape")
        assert shape.evaluate("el => getComputedStyle(el).transform") == "none"
        assert_accessible(page)
        screenshot(page, "skills-pacer-reduced-motion")
        expect(cue).to_have_text("Breathe out", timeout=3000)
        assert shape.evaluate("el => getComputedStyle(el).transform") == "none"
        assert shape.evaluate("el => el.style.transform") == ""
    finally:
        context.close()
