"""In a real browser at 1440 px: the visit view of Maria (a demo patient) shows her dose, plan
position, the last 14 days, her scores, flags and monitoring due in one screen without scrolling;
her timeline draws the dose as steps with labelled axes, and a flag's reason shows on focus."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from taperwell.accounts.models import User
from taperwell.demo.services import demo_load
from taperwell.patients.models import Patient
from tests import factories
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_sideways_scroll,
    pass_second_factor,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = {"width": 1440, "height": 900}
PARTS = ("dose", "plan", "strip", "scores", "flags", "monitoring")


def _clinician(page, live_server) -> Patient:
    demo_load()
    doctor = User.objects.get(email="clinician@example.org")
    secret = factories.give_totp(doctor)
    page.set_viewport_size(WIDE)
    sign_in(page, live_server.url, "clinician@example.org", "taperwell-demo")
    pass_second_factor(page, secret)
    return Patient.objects.get(full_name="Maria Alvarez")


def test_marias_visit_view_fits_one_screen_at_1440_px(page, live_server, production_rules):
    maria = _clinician(page, live_server)
    page.goto(f"{live_server.url}/clinic/patients/{maria.public_id}/care/")
    page.get_by_role("navigation", name="This patient").get_by_role("link", name="Visit").click()

    expect(page.locator("[data-visit=plan]")).to_contain_text("Step")
    expect(page.locator("[data-visit=strip] tbody tr")).to_have_count(
        6
    )  # pain, mood, sleep, withdrawal, practice, doses marked taken
    expect(page.locator("[data-visit=strip] tbody tr").first.locator("td")).to_have_count(14)
    expect(page.locator("[data-visit=scores]")).to_contain_text("PHQ-9")
    expect(page.locator("[data-visit=flags] .flag-line").first).to_be_visible()
    expect(page.locator("[data-visit=monitoring]")).to_contain_text("Monitoring due")
    assert page.evaluate("window.scrollY") == 0
    screenshot(page, "care-visit")
    for part in PARTS:
        box = page.locator(f"[data-visit={part}]").first.bounding_box()
        assert box, part
        assert box["x"] >= 0, part
        assert box["y"] >= 0, part
        assert box["x"] + box["width"] <= WIDE["width"], f"{part} runs off to the right"
        assert box["y"] + box["height"] <= WIDE["height"], f"{part} ends below the screen: {box}"
    number = page.locator("[data-visit=dose] .big-number")
    assert number.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    assert_no_sideways_scroll(page)
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    page.reload()
    screenshot(page, "care-visit")
    assert_no_sideways_scroll(page)


def test_marias_timeline_draws_the_dose_as_steps_with_axes_and_flag_reasons_on_focus(
    page, live_server, production_rules
):
    maria = _clinician(page, live_server)
    page.goto(f"{live_server.url}/clinic/patients/{maria.public_id}/timeline/")

    points = page.locator("svg[data-chart=mme] polyline").get_attribute("points")
    pairs = [tuple(map(float, p.split(","))) for p in points.split()]
    assert len(pairs) >= 2
    for (x1, y1), (x2, y2) in itertools.pairwise(pairs):
        assert x1 == x2 or y1 == y2, f"a slope from {(x1, y1)} to {(x2, y2)}"
    expect(page.locator("svg[data-chart=mme] .axis-title")).to_have_text("MME/day")
    expect(page.locator("svg[data-chart=mme] .y-tick")).to_have_count(3)
    marker = page.locator("svg[data-chart=flags] .flag-mark").first
    marker.focus()
    expect(marker).to_be_focused()
    assert marker.locator("title").text_content()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "care-timeline-steps")


def test_the_raw_check_ins_sort_by_a_column_heading(page, live_server, production_rules):
    maria = _clinician(page, live_server)
    page.goto(f"{live_server.url}/clinic/patients/{maria.public_id}/timeline/data/")
    table = page.locator("table[data-sortable]").first
    heading = table.locator("thead th").nth(1)

    heading.get_by_role("button", name="Pain").click()

    expect(heading).to_have_attribute("aria-sort", "ascending")
    pains = [int(v) for v in table.locator("tbody tr td:nth-child(2)").all_text_contents()]
    assert pains == sorted(pains)
    assert len(set(pains)) > 1
    heading.get_by_role("button", name="Pain").click()
    expect(heading).to_have_attribute("aria-sort", "descending")
    pains = [int(v) for v in table.locator("tbody tr td:nth-child(2)").all_text_contents()]
    assert pains == sorted(pains, reverse=True)
    assert_accessible(page)


def test_staff_pages_use_the_width_and_the_plan_table_never_breaks_a_number(
    page, live_server, production_rules
):
    maria = _clinician(page, live_server)
    page.goto(f"{live_server.url}/clinic/patients/{maria.public_id}/visit/")
    page.get_by_role("link", name="Open the plan").click()
    cells = page.locator("table.schedule td.num")
    expect(cells.first).to_be_visible()

    assert page.locator("main").bounding_box()["width"] >= 1400
    lines = cells.evaluate_all(
        """cells => cells.map(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
            return [cell.textContent.trim(), tops.size];
        })"""
    )
    assert lines
    assert [text for text, count in lines if count > 1] == []
    screenshot(page, "care-plan-wide")
