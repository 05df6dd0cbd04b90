"""In a real browser, at phone and desktop widths: the patient's day from check-in to progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn, QuestionnaireResponse
from taperwell.checkins.selectors import clinic_today
from taperwell.goals.models import ActivityDone
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    open_nav,
    screenshot,
    sign_in,
)
from tests.patient.test_checkin_response import _plan_in_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def _look(page, name: str, tag: str) -> None:
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, f"patient-{name}-{tag}")


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def _answer_safety_questions(page) -> None:
    """Nothing is pre-chosen: the patient answers the extra doses and each safety question."""
    page.get_by_label("How many extra 'as needed' doses").fill("0")
    for question in (
        "Have you had thoughts of hurting yourself",
        "did you have an overdose?",
        "did anyone give you naloxone",
        "did you take any opioid that was not prescribed to you?",
    ):
        page.get_by_role("group", name=question).get_by_role("radio", name="No", exact=True).check()


@VIEWPORTS
def test_a_patient_checks_in_then_answers_phq9_item_9_and_sees_help_at_once(
    page, live_server, patient, viewport
):
    tag = "phone" if viewport is PHONE else "desktop"
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Maria")).to_be_visible()
    _look(page, "today", tag)

    page.get_by_role("link", name="Check in now").click()
    expect(page.get_by_role("heading", name="How are you today?")).to_be_visible()
    _choose(page, "How bad is your pain today?", "6")
    _choose(page, "How well did you sleep last night?", "4")
    _choose(page, "How is your mood today?", "5")
    _choose(page, "How strong are withdrawal feelings today?", "3")
    page.get_by_label("Yawning a lot").check()
    _choose(page, "How strong is the urge to take more medicine?", "2")
    _answer_safety_questions(page)
    page.get_by_label("Anything else you want your care team to know?").fill("Slow morning.")
    _look(page, "checkin", tag)
    page.get_by_role("button", name="Save my check-in").dblclick()
    expect(page.get_by_role("heading", name="Thank you. Your check-in is saved.")).to_be_visible()
    _look(page, "checkin-saved", tag)
    page.get_by_role("link", name="Go to Today").click()
    expect(page.get_by_text("Done for today. Thank you.")).to_be_visible()
    assert CheckIn.objects.filter(patient=patient).count() == 1

    page.goto(f"{live_server.url}/questionnaires/")
    _look(page, "questionnaires", tag)
    page.get_by_role("link", name="Mood (PHQ-9)").click()
    groups = page.locator("fieldset")
    for index in range(8):
        groups.nth(index).get_by_text("Not at all", exact=True).click()
    groups.nth(8).get_by_text("Several days", exact=True).click()
    groups.nth(9).get_by_text("Not difficult at all", exact=True).click()
    _look(page, "phq9", tag)
    page.get_by_role("button", name="Save my answers").click()

    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    expect(page.get_by_role("link", name="Call 988")).to_be_visible()
    expect(page.get_by_text("If you are in danger right now, call 911.").first).to_be_visible()
    _look(page, "crisis", tag)
    assert QuestionnaireResponse.objects.get(patient=patient).answers[8] == 1
    assert Flag.objects.get(patient=patient, rule="self-harm").severity == "urgent"


def test_a_check_in_with_a_wrong_number_keeps_what_was_typed(page, live_server, patient):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/checkin/")
    _choose(page, "How bad is your pain today?", "6")
    page.get_by_label("How many extra 'as needed' doses").fill("25")
    page.get_by_label("Anything else you want your care team to know?").fill("Keep me.")
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_text("Some answers need a second look.")).to_be_visible()
    expect(page.get_by_text("Please enter a number from 0 to 20.")).to_be_visible()
    expect(page.get_by_label("Anything else you want your care team to know?")).to_have_value(
        "Keep me."
    )
    expect(
        page.get_by_role("group", name="How bad is your pain today?").get_by_role("radio", name="6")
    ).to_be_checked()
    _look(page, "checkin-errors", "phone")
    assert not CheckIn.objects.exists()


@VIEWPORTS
def test_a_patient_asks_for_a_pause_adds_a_goal_and_sees_their_progress(
    page, live_server, patient, viewport
):
    tag = "phone" if viewport is PHONE else "desktop"
    today = clinic_today(patient.clinic)
    CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            day=today - timedelta(days=ago),
            pain=7 - (60 - ago) // 20,
            sleep=5,
            mood=4 + (60 - ago) // 20,
            withdrawal=2,
            craving=1,
        )
        for ago in range(60, 0, -1)
    )
    _plan_in_force(patient)  # a pause is asked for only while a plan is in force
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)

    open_nav(page, "My medicines")
    expect(page.get_by_role("heading", name="My medicines and taper")).to_be_visible()
    page.get_by_label("What is making it hard right now?").fill("A hard week with my back.")
    _look(page, "medicines", tag)
    page.get_by_role("button", name="Ask for a pause").click()
    expect(page.get_by_text("Your care team has your request to pause.")).to_be_visible()
    assert Flag.objects.filter(patient=patient, rule="pause-request").exists()

    open_nav(page, "Goals")
    page.get_by_label("What would you like to do again").fill("Play on the floor with my grandson")
    page.get_by_role("button", name="Save my goal").click()
    expect(page.get_by_text("Your goal is saved.")).to_be_visible()
    page.get_by_label("One small step this week").first.fill("Sit on the floor for 2 minutes")
    page.get_by_role("button", name="Add this step").click()
    page.get_by_role("button", name="I did this today: Sit on the floor for 2 minutes").click()
    expect(page.get_by_text("Well done. That step counts.")).to_be_visible()
    expect(page.get_by_text("You took your first small step toward a goal.")).to_be_visible()
    _look(page, "goals", tag)
    assert ActivityDone.objects.filter(patient=patient).count() == 1

    open_nav(page, "Progress")
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    expect(page.get_by_text("Your average pain this month was")).to_be_visible()
    expect(page.locator("figure.chart svg").first).to_be_visible()
    _look(page, "progress", tag)
    page.goto(f"{live_server.url}/checkin/history/")
    _look(page, "history", tag)
