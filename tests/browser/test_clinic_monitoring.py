"""In a real browser at 1440 px: a clinician sees James's overdue urine test on his care page,
records one on the monitoring page, marks a mistaken entry in error with a reason, logs care time
with the timer, and reads the month report, whose CSV matches the page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from taperwell.accounts.models import User
from taperwell.demo.services import demo_load
from taperwell.monitoring.models import MonitoringRecord, RecordStatus
from taperwell.patients.models import Patient
from taperwell.rtm.models import CareTimeEntry
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


def _clinician(page, live_server) -> None:
    demo_load()
    doctor = User.objects.get(email="clinician@example.org")
    secret = factories.give_totp(doctor)
    page.set_viewport_size(WIDE)
    sign_in(page, live_server.url, "clinician@example.org", "taperwell-demo")
    pass_second_factor(page, secret)


def test_a_clinician_records_the_overdue_urine_test_and_corrects_a_mistake(
    page, live_server, production_rules
):
    _clinician(page, live_server)
    james = Patient.objects.get(full_name="James Carter")
    page.goto(f"{live_server.url}/clinic/patients/{james.public_id}/care/")
    due = page.locator("section.monitoring-due")
    expect(due.locator("tr[data-kind=udt]")).to_contain_text("Overdue by")
    assert_accessible(page)
    screenshot(page, "monitoring-care-page")

    due.get_by_role("link", name="Monitoring records and results").click()
    form = page.locator("form[novalidate]")
    form.get_by_label("What you are recording").select_option("udt")
    form.get_by_label("Result (PDMP check or urine test)").select_option("expected")
    form.get_by_label("Result summary").fill("Oxycodone present, as prescribed.")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Urine drug test recorded.")).to_be_visible()
    expect(page.locator("dd[data-kind=udt]")).not_to_contain_text("overdue")

    first = page.locator("table.monitoring-records tbody tr").first
    first.locator("summary", has_text="Mark entered in error").click()
    first.get_by_label("Why is this entry in error?").fill("Recorded on the wrong patient")
    first.get_by_role("checkbox").check()
    first.get_by_role("button", name="Mark entered in error").click()
    expect(page.get_by_text("Marked as entered in error.")).to_be_visible()
    expect(page.locator("tr.struck").first).to_contain_text("Recorded on the wrong patient")
    assert MonitoringRecord.objects.filter(
        patient=james, kind="udt", status=RecordStatus.ENTERED_IN_ERROR
    ).exists()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "monitoring-page")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot(page, "monitoring-page")


def test_the_month_report_and_its_csv_agree_and_the_timer_logs_time(
    page, live_server, production_rules
):
    _clinician(page, live_server)
    maria = Patient.objects.get(full_name="Maria Alvarez")
    page.goto(f"{live_server.url}/clinic/patients/{maria.public_id}/care/")
    card = page.locator("section.rtm-month")
    expect(card.get_by_test_id("rtm-minutes")).to_have_text("20")
    card.get_by_role("button", name="Start timer").click()
    card.get_by_role("button", name="Stop timer").click()
    expect(card.get_by_label("Minutes")).to_have_value("1")
    card.get_by_label("What was done").fill("Read the week's check-ins")
    card.get_by_role("button", name="Log time").click()
    expect(page.get_by_text("1 minutes logged.")).to_be_visible()
    assert CareTimeEntry.objects.filter(patient=maria, timed=True, minutes=1).exists()
    expect(page.locator("section.rtm-month").get_by_test_id("rtm-minutes")).to_have_text("21")

    page.goto(f"{live_server.url}/clinic/remote-monitoring/")
    row = page.locator("table.rtm-report tbody tr", has_text="Maria Alvarez")
    shown = [row.locator("td.num").nth(i).inner_text() for i in range(4)]
    assert shown[1] == "21"
    assert "20 minutes or more" in row.inner_text()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "rtm-month-report")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot(page, "rtm-month-report")
    page.set_viewport_size(WIDE)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = {r["patient"]: r for r in csv.DictReader(io.StringIO(text))}
    got = rows["Maria Alvarez"]
    keys = ("days_with_data", "care_minutes", "interactive_calls", "message_exchanges")
    assert [got[k] for k in keys] == shown
