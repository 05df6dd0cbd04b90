"""In a real browser, at 390 px and at 320 px with text at 200%: the calendar address is shown
whole with "Add to my calendar" (webcal:) and "Copy the address"; the feed's events carry the
reminder Maria picked; the pacer's Start comes first and focus lands on "How do you feel now?"."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 320, "height": 640}
SIZES = [(PHONE, False), (SMALL_PHONE, True)]
SIZE_IDS = ["390", "320-200pct"]


def _text_at_200(page) -> None:
    page.evaluate("document.documentElement.style.fontSize = '200%'")


@pytest.mark.parametrize(("viewport", "text_zoom"), SIZES, ids=SIZE_IDS)
def test_maria_adds_her_calendar_with_a_webcal_link_or_a_copy_and_picks_a_reminder(
    page, context, live_server, patient, viewport, text_zoom
):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/notices/calendar/")
    page.get_by_role("radio", name="30 minutes before").check()
    page.get_by_role("button", name="Make my calendar address").click()
    if text_zoom:
        _text_at_200(page)

    address = page.get_by_test_id("feed-address")
    expect(address).to_be_visible()
    url = address.inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/calendar/[\w-]+\.ics", url), url
    box = address.bounding_box()
    assert box["x"] + box["width"] <= viewport["width"]  # whole, never cut off
    add = page.get_by_role("link", name="Add to my calendar")
    expect(add).to_have_attribute("href", "webcal://" + url.split("://", 1)[1])

    page.get_by_role("button", name="Copy the address").click()
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "calendar-address" + ("-200pct-text" if text_zoom else ""))

    feed = page.request.get(url)
    assert feed.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(feed.body())
    checkin = next(e for e in cal.walk("VEVENT") if str(e["summary"]) == "Daily check-in")
    assert [str(a["trigger"].to_ical().decode()) for a in checkin.walk("VALARM")] == ["-PT30M"]


@pytest.mark.parametrize(("viewport", "text_zoom"), SIZES, ids=SIZE_IDS)
def test_the_pacers_start_is_first_and_focus_lands_on_how_do_you_feel_now_when_it_ends(
    page, live_server, patient, viewport, text_zoom
):
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/skills/breathe/?seconds=2")
    if text_zoom:
        _text_at_200(page)
    start = page.get_by_role("button", name="Start breathing")
    box = start.bounding_box()
    assert box["y"] + box["height"] <= viewport["height"], box  # on the first screen
    expect(page.get_by_label("Breaths a minute")).to_be_hidden()  # the settings are folded
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "pacer-start-first" + ("-200pct-text" if text_zoom else ""))
    page.get_by_text("Change the pace or add sounds").click()
    expect(page.get_by_label("Breaths a minute")).to_be_visible()
    page.get_by_label("Breaths a minute").select_option("12")
    start.click()
    expect(page.locator("#pacer-stage")).to_be_visible()
    done = page.get_by_text("How do you feel now?")
    expect(done).to_be_visible(timeout=15000)
    expect(done).to_be_focused()
