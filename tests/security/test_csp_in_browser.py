"""In a real browser, the key pages work under the Content-Security-Policy: no violation is
reported and no script error happens on Today, the check-in, the pacer, triage and the timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from taperwell.demo.services import demo_load
from taperwell.patients.models import Patient
from tests.browser.helpers import DESKTOP, PHONE, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(page):
    problems: list[str] = []
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
    return page, problems


def test_key_pages_run_under_the_content_security_policy_without_a_violation(
    watched, live_server, settings
):
    page, problems = watched
    settings.REQUIRE_STAFF_MFA = False
    demo_load()
    maria = Patient.objects.get(user__email="maria@example.org")
    base = live_server.url

    page.set_viewport_size(PHONE)
    sign_in(page, base, "maria@example.org", "taperwell-demo")
    page.goto(f"{base}/today/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{base}/checkin/")
    header = page.request.get(f"{base}/checkin/").headers["content-security-policy"]
    assert "script-src 'self'" in header
    page.get_by_role("button", name="Save my check-in").click()  # its once-only script runs
    page.goto(f"{base}/skills/breathe/")
    page.wait_for_timeout(500)  # the pacer's script starts
    sign_out(page)

    page.set_viewport_size(DESKTOP)
    sign_in(page, base, "clinician@example.org", "taperwell-demo")
    page.goto(f"{base}/clinic/triage/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{base}/clinic/patients/{maria.public_id}/timeline/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_timeout(300)

    assert not problems, "\n".join(problems)
