"""In a real browser: the API docs page draws under our Content-Security-Policy from our own
files, and the triage search finds a patient without putting the name in the address."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from taperwell.demo.services import demo_load
from tests.browser.helpers import DESKTOP, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(page):
    problems: list[str] = []
    requests: list[str] = []
    page.add_init_script(REPORT)
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and ("Content Security Policy" in msg.text or "CSP" in msg.text)
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error {error}"))
    page.on("request", lambda request: requests.append(request.url))
    return page, problems, requests


def test_the_api_docs_draw_under_our_csp_from_our_own_files(watched, live_server):
    page, problems, requests = watched
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("taperwell API")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    assert not problems, "\n".join(problems)
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests)


def test_a_triage_search_finds_maria_and_keeps_her_name_out_of_the_address(
    watched, live_server, settings
):
    page, problems, requests = watched
    settings.REQUIRE_STAFF_MFA = False
    demo_load()
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "clinician@example.org", "taperwell-demo")
    page.goto(f"{live_server.url}/clinic/triage/")
    page.get_by_label("Show").select_option("all")
    page.get_by_label("Search by name").fill("Maria")
    expect(page.locator("#triage-rows")).to_contain_text("Maria")
    expect(page.locator("#triage-rows")).not_to_contain_text("James")
    assert "Maria" not in page.url
    assert not [url for url in requests if "Maria" in url or "q=" in url]
    assert not problems, "\n".join(problems)
