"""In a real browser: the patient's pages on a phone have a tab bar at the bottom, crisis help that
stays in sight, the title near the top and nothing that scrolls sideways, at 390 px and at 320 px
with the text at 200%. Staff pages and wide screens keep a navigation along the top."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from taperwell.goals.models import Activity, Goal
from taperwell.messaging.services import thread_create
from taperwell.notifications.models import Preference
from taperwell.skills.models import FlarePlan
from tests import factories
from tests.browser.helpers import (
    AXE,
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    pass_second_factor,
    screenshot,
    sign_in,
)
from tests.patient.test_checkin_response import _plan_in_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 320, "height": 640}
SIZES = [(PHONE, False), (SMALL_PHONE, True)]
SIZE_IDS = ["390", "320-200pct"]
PATIENT_PAGES = [
    "/today/",
    "/checkin/",
    "/skills/",
    "/skills/breathe/",
    "/skills/flare-plan/",
    "/skills/flare-plan/edit/",
    "/messages/",
    "/messages/new/",
    "/my-medicines/",
    "/goals/",
    "/progress/",
    "/group/",
    "/sessions/",
    "/notices/",
    "/notices/settings/",
    "/notices/calendar/",
    "/my/data/",
    "/crisis/",
    "/questionnaires/",
    "/accounts/password/change/",
]
TABS = ["Today", "Check in", "Skills", "Messages"]
# "17:30" or "08:00": a US clinic writes "5:30 PM" and "8:00 AM".
TWENTY_FOUR_HOUR = re.compile(r"\b(?:[01]\d|2[0-3]):[0-5]\d\b(?!\s?[AP]M)")


def _text_at_200(page) -> None:
    """Text at 200%, as a patient with reading glasses sets it in the phone's settings."""
    page.evaluate("document.documentElement.style.fontSize = '200%'")


def _open(page, url: str, text_zoom: bool) -> None:
    page.goto(url)
    if text_zoom:
        _text_at_200(page)


def _maria_on_a_phone(page, live_server, patient, viewport) -> None:
    _plan_in_force(patient)
    goal = Goal.objects.create(patient=patient, title="Play on the floor with my grandson")
    Activity.objects.create(patient=patient, goal=goal, title="Sit on the floor for two minutes")
    FlarePlan.objects.create(patient=patient, people="My sister Ana: 555-010-2233")
    Preference.objects.create(user=patient.user, dose_times="08:00, 20:00")
    thread_create(patient=patient, sender=patient.user, subject="A question", body="Hello")
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)


def _tab_bar(page):
    return page.get_by_role("navigation", name="Main")


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


@pytest.mark.parametrize(("viewport", "text_zoom"), SIZES, ids=SIZE_IDS)
def test_patient_pages_have_the_title_near_the_top_crisis_help_and_tabs_in_sight_no_sideways_scroll(
    page, live_server, patient, viewport, text_zoom
):
    _maria_on_a_phone(page, live_server, patient, viewport)
    problems = []
    for path in PATIENT_PAGES:
        _open(page, f"{live_server.url}{path}", text_zoom)
        title = page.locator("main h1").first
        top = title.bounding_box()["y"]
        if top > viewport["height"] / 4:
            problems.append(f"{path}: title at {top:.0f}px")
        shown = page.locator("main").inner_text()
        if TWENTY_FOUR_HOUR.search(shown):
            problems.append(f"{path}: a 24-hour time: {TWENTY_FOUR_HOUR.search(shown).group()}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{path}: scrolls sideways by {overflow}px")
        page.mouse.wheel(0, 2000)  # the crisis button and the tabs stay while the page scrolls
        crisis = page.get_by_role("link", name="Crisis help: call or text 988")
        if not _in_view(page, crisis):
            problems.append(f"{path}: crisis button out of sight")
        for name in [*TABS, "More"]:
            tab = _tab_bar(page).get_by_text(name, exact=True).first
            if not _in_view(page, tab):
                problems.append(f"{path}: tab {name} out of sight")
        # A word on a tab is never broken: each tab's words fit on their lines.
        broken = page.evaluate(
            """() => [...document.querySelectorAll('.tab-bar > .nav > li > a, .tab-bar summary')]
                .filter(el => el.scrollWidth > el.clientWidth).map(el => el.textContent.trim())"""
        )
        if broken:
            problems.append(f"{path}: tab words do not fit: {broken}")
    assert not problems, "\n".join(problems)
    expect(page.get_by_role("link", name="Crisis help: call or text 988")).to_have_attribute(
        "href", "tel:988"
    )


@pytest.mark.parametrize(("viewport", "text_zoom"), SIZES, ids=SIZE_IDS)
def test_the_tab_bar_takes_maria_to_each_place_and_more_opens_the_rest(
    page, live_server, patient, viewport, text_zoom
):
    _maria_on_a_phone(page, live_server, patient, viewport)
    _open(page, f"{live_server.url}/today/", text_zoom)
    suffix = "-200pct-text" if text_zoom else ""
    screenshot(page, "today-tab-bar" + suffix)
    tabs = [("Check in", "/checkin/"), ("Skills", "/skills/"), ("Messages", "/messages/")]
    for name, path in tabs:
        _tab_bar(page).get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(f"{live_server.url}{path}")
        if text_zoom:
            _text_at_200(page)
        expect(_tab_bar(page).get_by_role("link", name=name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
    _tab_bar(page).get_by_role("link", name="Today", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/today/")
    if text_zoom:
        _text_at_200(page)

    progress = _tab_bar(page).get_by_role("link", name="Progress", exact=True)
    expect(progress).to_be_hidden()
    _tab_bar(page).get_by_text("More", exact=True).click()
    for name in ["My medicines", "Goals", "Progress", "Reminders", "My data", "Account"]:
        link = _tab_bar(page).get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
    expect(_tab_bar(page).get_by_role("button", name="Sign out")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "today-more-open" + suffix)
    _tab_bar(page).get_by_role("link", name="My data", exact=True).scroll_into_view_if_needed()
    _tab_bar(page).get_by_role("link", name="My data", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/my/data/")


def test_on_a_wide_screen_the_patients_links_run_along_the_top(page, live_server, patient):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/today/")
    nav = _tab_bar(page).bounding_box()
    title = page.locator("main h1").first.bounding_box()
    assert nav["y"] + nav["height"] <= title["y"], (nav, title)
    for name in TABS:
        expect(_tab_bar(page).get_by_role("link", name=name, exact=True)).to_be_visible()
    screenshot(page, "today-wide")


def test_staff_pages_keep_their_top_navigation_on_a_phone(page, live_server, clinic):
    doctor = factories.make_staff(clinic, totp=False, email="doctor@test.example")
    secret = factories.give_totp(doctor)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "doctor@test.example", factories.PASSWORD)
    pass_second_factor(page, secret)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).position") == "static"
    assert page.locator(".tab-bar").count() == 0


def _contrast_problems(page) -> list:
    page.evaluate(f"() => {{ {AXE.read_text()}\n; window.axe = axe; }}")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: ['color-contrast'], resultTypes: ['violations']})"""
    )
    return [
        (n["target"], n["any"][0]["message"][:120] if n["any"] else "")
        for v in result["violations"]
        for n in v["nodes"]
    ]


@pytest.mark.parametrize(("viewport", "text_zoom"), SIZES, ids=SIZE_IDS)
def test_in_dark_mode_every_patient_page_keeps_enough_contrast(
    page, live_server, patient, viewport, text_zoom
):
    page.emulate_media(color_scheme="dark")
    _maria_on_a_phone(page, live_server, patient, viewport)
    problems = {}
    for path in PATIENT_PAGES:
        _open(page, f"{live_server.url}{path}", text_zoom)
        assert (
            page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(251, 250, 247)"
        )
        found = _contrast_problems(page)
        if found:
            problems[path] = found[:4]
    assert not problems, problems
    suffix = "-200pct-text" if text_zoom else ""
    for path, name in [("/today/", "today"), ("/checkin/", "checkin-form")]:
        _open(page, f"{live_server.url}{path}", text_zoom)
        screenshot(page, f"{name}-dark{suffix}")


@pytest.mark.parametrize(
    ("viewport", "text_zoom", "scheme"),
    [(PHONE, False, "dark"), (SMALL_PHONE, True, "light"), (SMALL_PHONE, True, "dark")],
    ids=["390-dark", "320-200pct", "320-200pct-dark"],
)
def test_a_hard_day_check_in_and_its_answer_on_a_small_phone_and_in_dark_mode(
    page, live_server, patient, viewport, text_zoom, scheme
):
    from tests.browser.test_checkin_listens import SCALES
    from tests.browser.test_patient_day import _answer_safety_questions, _choose

    page.emulate_media(color_scheme=scheme)
    _maria_on_a_phone(page, live_server, patient, viewport)
    _open(page, f"{live_server.url}/checkin/", text_zoom)
    for question, answer in SCALES.items():
        _choose(page, question, answer)
    _answer_safety_questions(page)
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    name = ("-200pct-text" if text_zoom else "") + ("-dark" if scheme == "dark" else "")
    screenshot(page, "checkin-form" + name)
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_role("heading", name="That sounds like a hard day")).to_be_visible()
    if text_zoom:
        _text_at_200(page)
    title = page.locator("main h1").first.bounding_box()
    assert title["y"] <= viewport["height"] / 4
    expect(page.get_by_role("link", name="Breathe slowly with me")).to_be_visible()
    expect(page.get_by_role("link", name="Crisis help: call or text 988")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "checkin-response-hard-day" + name)
