"""In a real browser at 1440 px: the printable taper schedule is styled from its static stylesheet
(our Content-Security-Policy blocks inline style, so it used to print unstyled), carries the
patient's identifiers and a signature line, and prints to PDF."""

from __future__ import annotations

import pytest

from taperwell.accounts.models import User
from taperwell.demo.services import demo_load
from taperwell.tapering.models import TaperPlan
from tests import factories
from tests.browser.helpers import pass_second_factor, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = {"width": 1440, "height": 900}


def test_the_printed_schedule_is_styled_under_the_csp_and_prints(
    page, live_server, production_rules
):
    demo_load()
    doctor = User.objects.get(email="clinician@example.org")
    secret = factories.give_totp(doctor)
    page.set_viewport_size(WIDE)
    sign_in(page, live_server.url, "clinician@example.org", "taperwell-demo")
    pass_second_factor(page, secret)
    plan = TaperPlan.objects.exclude(schedule=None).exclude(schedule={}).first()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/clinic/taper-plans/{plan.public_id}/print/")
    collapse = page.eval_on_selector("table", "t => getComputedStyle(t).borderCollapse")
    border = page.eval_on_selector("td", "c => getComputedStyle(c).borderTopStyle")
    assert collapse == "collapse"
    assert border == "solid"
    assert not blocked
    text = page.inner_text("body")
    assert plan.patient.full_name in text
    assert "Prescriber's signature" in text
    signature = page.eval_on_selector(".signature .line", "s => getComputedStyle(s).borderTopStyle")
    assert signature == "solid"
    screenshot(page, "print-schedule")
    pdf = page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF")
