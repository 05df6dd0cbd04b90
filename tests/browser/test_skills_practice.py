"""In a real browser: after a hard check-in the pacer is offered; a practice is done with its
timer and logged with before and after ratings; the flare plan is written and ready to print."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from taperwell.checkins.models import CheckIn
from taperwell.skills.models import PracticeSession
from taperwell.skills.selectors import clinic_today
from tests import factories
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_is_offered_the_pacer_then_logs_a_practice_and_writes_a_flare_plan(
    page, live_server
):
    clinic = factories.make_clinic("Riverside Pain & Wellness")
    maria = factories.make_patient(clinic, email="maria@test.example", full_name="Maria Alvarez")
    CheckIn.objects.create(
        patient=maria, day=clinic_today(clinic), pain=5, sleep=5, mood=5, withdrawal=8, craving=2
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)

    page.goto(f"{live_server.url}/skills/")
    expect(page.get_by_text("Withdrawal was hard today")).to_be_visible()
    expect(page.get_by_test_id("suggested-practice")).to_contain_text("Slow breathing")
    expect(page.get_by_test_id("suggested-practice")).to_have_attribute("href", "/skills/breathe/")

    page.get_by_role("link", name="Mindful breathing").click()
    expect(page.get_by_role("heading", name="Mindful breathing")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "skills-practice")
    page.get_by_label("Pain now, before you start").fill("7")
    page.get_by_label("Distress or upset now, before you start").fill("6")
    page.get_by_role("button", name="Start the timer").click()
    expect(page.get_by_role("status").filter(has_text="The timer is running")).to_be_visible()
    expect(page.locator("#timer-display")).not_to_have_text("5:00", timeout=3000)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_label("Minutes you practiced")).to_have_value("1")
    page.get_by_label("Pain now, after the practice").fill("5")
    page.get_by_label("Distress or upset now, after the practice").fill("3")
    page.get_by_role("button", name="Save this practice").click()

    expect(page.get_by_text("Your pain went from 7 to 5. Well done.")).to_be_visible()
    expect(page.get_by_text("1 minute of practice so far, in 1 session.")).to_be_visible()
    session = PracticeSession.objects.get(patient=maria)
    assert (session.practice_slug, session.pain_before, session.pain_after) == (
        "mindful-breathing",
        7,
        5,
    )
    assert (session.distress_before, session.distress_after) == (6, 3)
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "skills-index")

    page.get_by_role("link", name="Write my flare plan").click()
    page.get_by_label("When pain spikes, I will…").fill("Sit down.\nSlow breathing, 5 minutes.")
    page.get_by_label("People I can call").fill("My sister Ana")
    assert_accessible(page)
    page.get_by_role("button", name="Save my plan").click()
    expect(page.get_by_role("heading", name="Maria's flare plan")).to_be_visible()
    expect(page.get_by_text("My sister Ana")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "skills-flare-plan")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    screenshot(page, "skills-flare-plan-print")
