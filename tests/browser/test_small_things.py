"""In a real browser at 390 px: the pause request stays in sight, phone numbers dial with one tap,
and the "I did this today" buttons answer to the words they show."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from taperwell.goals.models import Activity, Goal
from taperwell.skills.models import FlarePlan
from tests import factories
from tests.browser.helpers import (
    AXE,
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    screenshot,
    sign_in,
)
from tests.patient.test_checkin_response import _plan_in_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _label_content_mismatches(page) -> list:
    """axe's label-content-name-mismatch (WCAG 2.5.3) is experimental, so asked for by name."""
    page.evaluate(f"() => {{ {AXE.read_text()}\n; window.axe = axe; }}")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: ['label-content-name-mismatch'], resultTypes: ['violations']})"""
    )
    return [n["target"] for v in result["violations"] for n in v["nodes"]]


def test_a_pause_asked_for_stays_as_a_card_on_today_and_the_goal_buttons_match_their_words(
    page, live_server, patient
):
    _plan_in_force(patient)
    goal = Goal.objects.create(patient=patient, title="Play with my grandson")
    Activity.objects.create(patient=patient, goal=goal, title="Sit on the floor for 2 minutes")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/my-medicines/")
    page.get_by_role("button", name="Ask for a pause").click()
    card = page.locator(".pause-request")
    expect(card).to_contain_text("You asked for a pause on")
    expect(page.get_by_role("button", name="Ask for a pause")).to_have_count(0)

    page.goto(f"{live_server.url}/today/")
    expect(page.locator(".pause-request")).to_contain_text("What happens next:")
    button = page.get_by_role("button", name="I did this today").first
    expect(button).to_be_visible()
    assert not _label_content_mismatches(page), json.dumps(_label_content_mismatches(page))
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "today-pause-requested")
    page.goto(f"{live_server.url}/goals/")
    assert not _label_content_mismatches(page)


def test_phone_numbers_on_the_flare_plan_and_footer_are_one_tap_calls(page, live_server, patient):
    FlarePlan.objects.create(patient=patient, people="My sister Ana: 555-010-2233")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/skills/flare-plan/")
    expect(page.get_by_role("link", name="555-010-2233")).to_have_attribute(
        "href", "tel:5550102233"
    )
    expect(page.locator(".flare-plan .crisis-card a[href^='tel:']")).to_have_count(
        3 if patient.clinic.phone else 2
    )
    expect(page.locator(".site-footer a[href^='tel:']").first).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "flare-plan-phone-links")


def test_progress_praises_effort_and_answers_a_worse_mood_kindly(page, live_server, patient):
    from datetime import timedelta

    from taperwell.checkins.models import CheckIn, QuestionnaireResponse
    from taperwell.checkins.selectors import clinic_today

    today = clinic_today(patient.clinic)
    CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            day=today - timedelta(days=n),
            pain=6,
            sleep=5,
            mood=5,
            withdrawal=2,
            craving=1,
        )
        for n in range(1, 41)
    )
    for ago, total in ((40, 3), (2, 17)):
        QuestionnaireResponse.objects.create(
            patient=patient,
            instrument="phq9",
            instrument_version="v",
            day=today - timedelta(days=ago),
            answers=[0] * 9,
            total=total,
        )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/progress/")
    expect(page.get_by_role("heading", name="Things may feel heavier lately")).to_be_visible()
    expect(page.get_by_role("link", name="Tell your care team how you are")).to_be_visible()
    expect(page.get_by_text("You checked in on 29 of the last 30 days.")).to_be_visible()
    expect(page.get_by_text("well done", exact=False)).to_have_count(0)
    ticks = page.locator("figure.chart svg text").evaluate_all(
        "texts => texts.map(t => t.textContent)"
    )
    assert ticks
    assert not [t for t in ticks if "." in t], ticks
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "progress-mood-worse")
