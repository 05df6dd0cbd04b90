"""In a real browser: the demo clinic's admin signs in with a second factor, opens Clinic settings
from the menu, changes the crisis wording, mistypes the time zone and fixes it, and saves; a
patient then reads the new wording on the crisis help page. On a phone and on a desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from taperwell.accounts.models import User
from taperwell.clinics.models import Clinic
from taperwell.demo.services import demo_load
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    open_nav,
    pass_second_factor,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_WORDING = "Call or text 988 any time. Riverside's nurse line answers weekdays 8 to 6."


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_admin_changes_the_crisis_wording_and_a_patient_reads_it(
    page, live_server, production_rules, viewport
):
    clinic = demo_load()
    secret = factories.give_totp(User.objects.get(email="admin@example.org"))
    page.set_viewport_size(viewport)
    tag = "phone" if viewport is PHONE else "desktop"

    sign_in(page, live_server.url, "admin@example.org", "taperwell-demo")
    pass_second_factor(page, secret)
    open_nav(page, "Clinic settings")
    expect(page.get_by_role("heading", name="Clinic settings", level=1)).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, f"clinic-settings-{tag}")

    page.get_by_label("Crisis line wording", exact=True).fill(NEW_WORDING)
    page.get_by_label("Time zone").fill("America/New York")
    page.get_by_role("button", name="Save settings").click()
    expect(
        page.get_by_text("America/New York is not a time zone we know. Did you mean")
    ).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved yet.")
    expect(page.get_by_label("Crisis line wording", exact=True)).to_have_value(NEW_WORDING)
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, f"clinic-settings-error-{tag}")

    page.get_by_label("Time zone").fill("America/New_York")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert Clinic.objects.get(pk=clinic.pk).crisis_line_text == NEW_WORDING
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, f"clinic-settings-saved-{tag}")

    sign_out(page)
    sign_in(page, live_server.url, "maria@example.org", "taperwell-demo")
    page.get_by_role("region", name="Crisis help").get_by_role("link", name="More help").click()
    expect(page.get_by_text(NEW_WORDING)).to_be_visible()
