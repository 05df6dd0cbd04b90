"""In a real browser at 390 px: demo Maria marks her morning dose taken on Today's dose card,
sees it stay after a reload, and undoes it; the cards pass axe and fit the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from taperwell.demo.services import demo_load
from taperwell.medications.models import DoseLog
from taperwell.patients.models import Patient
from taperwell.tapering.services import local_today
from tests.browser.helpers import (
    ARTIFACTS,
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_maria_marks_her_morning_dose_taken_sees_it_after_a_reload_and_undoes_it(page, live_server):
    clinic = demo_load()
    maria = Patient.objects.get(user__email="maria@example.org")
    today = local_today(clinic)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@example.org", "taperwell-demo")
    page.goto(f"{live_server.url}/today/")

    doses = page.get_by_role("region", name="Today's medicine")
    morning = doses.get_by_role("article", name="Morning")
    expect(morning).to_contain_text("oxycodone ER tablet")
    expect(morning).to_contain_text("20 mg")
    expect(doses.get_by_role("article", name="As needed")).to_contain_text(
        "as needed, up to 3 a day"
    )
    expect(doses.locator("[data-next-change]")).to_contain_text("From ")
    # The prescriptions the plan replaced are not listed as a second dose.
    expect(doses).not_to_contain_text("oxycodone ER tablet 30 mg")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "today-dose-cards")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    doses.screenshot(path=str(ARTIFACTS / "today-dose-cards-section-390px.png"))

    morning.get_by_role("button", name="Taken (Morning)").click()
    expect(morning).to_contain_text("Taken at")
    # htmx swapped the cards in place: the focus stays on the card's button, now "Undo".
    expect(morning.get_by_role("button", name="Undo (Morning)")).to_be_focused()
    assert DoseLog.objects.filter(
        patient=maria, day=today, time="08:00", undone_at__isnull=True
    ).exists()
    screenshot(page, "today-dose-cards-morning-taken")

    page.reload()
    morning = page.get_by_role("article", name="Morning")
    expect(morning).to_contain_text("Taken at")
    assert_accessible(page)

    morning.get_by_role("button", name="Undo (Morning)").click()
    expect(morning.get_by_role("button", name="Taken (Morning)")).to_be_visible()
    page.reload()
    expect(page.get_by_role("article", name="Morning")).not_to_contain_text("Taken at")
    assert not DoseLog.objects.filter(
        patient=maria, day=today, time="08:00", undone_at__isnull=True
    ).exists()
    assert DoseLog.objects.filter(patient=maria, day=today, time="08:00").count() == 1
