"""On a 390 px phone in Chromium: taperwell installs like an app, keeps the patient's pages for a
lost signal, and keeps a check-in typed offline until it can be sent, once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from taperwell.checkins.models import CheckIn
from tests import factories
from tests.browser.helpers import PHONE, assert_accessible, screenshot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT = ["/today/", "/checkin/", "/skills/", "/skills/breathe/", "/skills/flare-plan/"]


def _kept_pages(page) -> list[str]:
    return page.evaluate(
        """async () => {
            if (!(await caches.has('taperwell-health'))) return [];
            const cache = await caches.open('taperwell-health');
            return (await cache.keys()).map((r) => new URL(r.url).pathname);
        }"""
    )


def _signed_in_with_pages_kept(page, live_server) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Maria")).to_be_visible()
    # Wait (in the page, on the condition) until the service worker has kept every page.
    kept = page.evaluate(
        """async (wanted) => {
            await navigator.serviceWorker.ready;
            const deadline = Date.now() + 20000;
            let kept = [];
            while (Date.now() < deadline) {
                if (await caches.has('taperwell-health')) {
                    const cache = await caches.open('taperwell-health');
                    kept = (await cache.keys()).map((r) => new URL(r.url).pathname);
                    if (wanted.every((path) => kept.includes(path))) break;
                }
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            return kept;
        }""",
        KEPT,
    )
    assert set(KEPT) <= set(kept), kept


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def test_the_manifest_is_valid_and_linked_and_the_service_worker_installs(
    page, live_server, patient
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = page.evaluate("async (href) => (await fetch(href)).json()", href)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/today/"
    for icon in manifest["icons"]:
        size = page.evaluate(
            """async (src) => {
                const bitmap = await createImageBitmap(await (await fetch(src)).blob());
                return bitmap.width + 'x' + bitmap.height;
            }""",
            icon["src"],
        )
        assert size == icon["sizes"]
    worker = page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            return {scope: registration.scope, script: registration.active.scriptURL};
        }"""
    )
    assert worker == {"scope": f"{live_server.url}/", "script": f"{live_server.url}/sw.js"}
    assert page.evaluate("async () => (await fetch('/favicon.ico')).status") == 200


def test_with_the_network_cut_today_the_pacer_the_flare_plan_and_crisis_help_still_open(
    page, context, live_server, patient
):
    _signed_in_with_pages_kept(page, live_server)
    context.set_offline(True)

    page.goto(f"{live_server.url}/today/")
    expect(page.get_by_role("heading", name="Hello, Maria")).to_be_visible()
    as_of = page.locator("[data-offline-as-of]")
    expect(as_of).to_contain_text(re.compile(r"You are offline\. This page is as of \d{1,2}:\d\d"))
    assert_accessible(page)
    screenshot(page, "phone-offline-today")

    page.goto(f"{live_server.url}/skills/breathe/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("[data-offline-as-of]")).to_be_visible()
    expect(page.locator("#pacer")).to_be_visible()

    page.goto(f"{live_server.url}/skills/flare-plan/")
    expect(page.locator("[data-offline-as-of]")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto(f"{live_server.url}/crisis/")
    expect(
        page.get_by_role("heading", name="You do not have to get through this alone")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Call 988")).to_be_visible()

    page.goto(f"{live_server.url}/progress/")  # never kept: the offline page says what works
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_role("link", name="Crisis help").first).to_be_visible()


def test_a_checkin_typed_offline_waits_on_the_phone_and_is_saved_once_when_back_online(
    page, context, live_server, patient
):
    _signed_in_with_pages_kept(page, live_server)
    context.set_offline(True)
    page.goto(f"{live_server.url}/checkin/")
    expect(page.get_by_role("heading", name="How are you today?")).to_be_visible()
    _choose(page, "How bad is your pain today?", "5")
    _choose(page, "How well did you sleep last night?", "6")
    _choose(page, "How is your mood today?", "6")
    _choose(page, "How strong are withdrawal feelings today?", "2")
    _choose(page, "How strong is the urge to take more medicine?", "1")
    page.get_by_role("group", name=re.compile("thoughts of hurting yourself")).get_by_role(
        "radio", name="No", exact=True
    ).check()
    page.get_by_role("button", name="Save my check-in").click()

    waiting = page.locator("#outbox-status")
    expect(waiting).to_contain_text("Your check-in (saved at")
    expect(waiting).to_contain_text("is waiting on this phone")
    screenshot(page, "phone-offline-checkin-waiting")
    assert CheckIn.objects.filter(patient=patient).count() == 0

    page.goto(f"{live_server.url}/today/")  # still offline: Today says it is waiting too
    expect(page.locator("#outbox-status")).to_contain_text("Your check-in (saved at")

    context.set_offline(False)
    expect(page.locator("#outbox-status")).to_contain_text(
        re.compile(r"Your check-in from .* is sent")
    )
    assert CheckIn.objects.filter(patient=patient).count() == 1
    saved = CheckIn.objects.get(patient=patient)
    assert (saved.pain, saved.sleep, saved.mood, saved.self_harm_thoughts) == (5, 6, 6, False)

    page.reload()  # nothing is left to send, and nothing is sent twice
    expect(page.get_by_role("heading", name="Hello, Maria")).to_be_visible()
    expect(page.get_by_text("is waiting on this phone")).to_have_count(0)
    page.evaluate("() => new Promise((r) => setTimeout(r, 0))")
    assert CheckIn.objects.filter(patient=patient).count() == 1


def test_signing_out_empties_the_health_data_kept_on_the_phone(page, context, live_server, patient):
    _signed_in_with_pages_kept(page, live_server)
    assert _kept_pages(page)
    sign_out(page)
    expect(page).to_have_url(re.compile(r"/accounts/"))
    assert _kept_pages(page) == []
    databases = page.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)")
    assert "taperwell-outbox" not in databases
    context.set_offline(True)
    page.goto(f"{live_server.url}/today/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_text("Hello, Maria")).to_have_count(0)
