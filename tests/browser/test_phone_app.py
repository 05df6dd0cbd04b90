"""On a 390 px phone in Chromium: taperwell installs like an app, keeps the patient's pages for a
lost signal, and keeps a check-in typed offline until it can be sent, once."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest
from django.core.signals import request_finished, request_started
from playwright.sync_api import expect

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn
from taperwell.skills.models import PracticeSession
from tests import factories
from tests.browser.helpers import PHONE, assert_accessible, screenshot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _keep_pages_ahead(settings, context, live_server):
    """Pages are fetched ahead, as in production (off for other browser tests). Afterwards the
    browser is cut off and the test waits until the server has answered what the service worker
    had asked, so the database is not emptied under a request still running."""
    settings.WEBPUSH_KEEP_PAGES_AHEAD = True
    running = {"n": 0}
    lock = threading.Lock()

    def started(**kwargs):
        with lock:
            running["n"] += 1

    def finished(**kwargs):
        with lock:
            running["n"] -= 1

    request_started.connect(started, weak=False)
    request_finished.connect(finished, weak=False)
    yield
    context.set_offline(True)
    for open_page in context.pages:
        open_page.close()
    deadline = time.monotonic() + 10
    while running["n"] > 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    request_started.disconnect(started)
    request_finished.disconnect(finished)


KEPT = ["/today/", "/checkin/", "/skills/", "/skills/breathe/", "/skills/flare-plan/"]


def _kept_pages(page) -> list[str]:
    return page.evaluate(
        """async () => {
            if (!(await caches.has('taperwell-health'))) return [];
            const cache = await caches.open('taperwell-health');
            return (await cache.keys()).map((r) => new URL(r.url).pathname);
        }"""
    )


def _ask_to_keep_pages(page, *, times: int = 1) -> None:
    """Ask the service worker `times` times at once to keep this person's pages, and wait for
    every answer. Warms run one at a time, so an answer also means every warm asked before it
    (by the pages opened so far) is done, and none of its requests is still running on the
    server when the test goes on."""
    page.evaluate(
        """async (times) => {
            const registration = await navigator.serviceWorker.ready;
            const owner = document.querySelector('meta[name="taperwell-owner"]').content;
            const ask = () => new Promise((resolve) => {
                const channel = new MessageChannel();
                channel.port1.onmessage = () => resolve();
                registration.active.postMessage({type: "warm", owner}, [channel.port2]);
            });
            await Promise.all(Array.from({length: times}, ask));
        }""",
        times,
    )


def _signed_in_with_pages_kept(page, live_server) -> list[str]:
    """Sign Maria in and wait until her pages are kept; returns the practices kept."""
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Maria")).to_be_visible()
    _ask_to_keep_pages(page)
    kept = _kept_pages(page)
    assert set(KEPT) <= set(kept), kept
    practices = sorted(p for p in kept if p.startswith("/skills/practice/"))
    assert practices, kept
    return practices


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def _answer_the_other_safety_questions(page) -> None:
    """Nothing is pre-chosen on the check-in: the extra doses and each other safety question."""
    page.get_by_label("How many extra 'as needed' doses").fill("0")
    for question in (
        "did you have an overdose?",
        "did anyone give you naloxone",
        "did you take any opioid that was not prescribed to you?",
    ):
        page.get_by_role("group", name=question).get_by_role("radio", name="No", exact=True).check()


def _answer_every_safety_question_no(page) -> None:
    page.get_by_role("group", name=re.compile("thoughts of hurting yourself")).get_by_role(
        "radio", name="No", exact=True
    ).check()
    _answer_the_other_safety_questions(page)


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
    practices = _signed_in_with_pages_kept(page, live_server)
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

    page.goto(f"{live_server.url}{practices[0]}")
    expect(page.locator("[data-offline-as-of]")).to_be_visible()
    expect(page.locator("form.practice-page")).to_be_visible()

    page.goto(f"{live_server.url}/crisis/")
    expect(
        page.get_by_role("heading", name="You do not have to get through this alone")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Call 988")).to_be_visible()

    page.goto(f"{live_server.url}/progress/")  # never kept: the offline page says what works
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_role("link", name="Crisis help").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "phone-offline-page")


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
    _answer_every_safety_question_no(page)
    page.get_by_role("button", name="Save my check-in").click()

    expect(page).to_have_url(f"{live_server.url}/today/")  # as after saving online
    waiting = page.locator("#outbox-status")
    expect(waiting).to_contain_text("Your check-in (saved at")
    expect(waiting).to_contain_text("is waiting on this phone")
    screenshot(page, "phone-offline-checkin-waiting")
    assert CheckIn.objects.filter(patient=patient).count() == 0

    page.goto(f"{live_server.url}/today/")  # still offline: Today says it is waiting too
    expect(page.locator("#outbox-status")).to_contain_text("Your check-in (saved at")
    assert_accessible(page)
    second_tab = context.new_page()  # two open tabs both see the network come back
    second_tab.goto(f"{live_server.url}/skills/")
    expect(second_tab.locator("#outbox-status")).to_contain_text("Your check-in (saved at")

    context.set_offline(False)
    # One tab at a time sends (a lock): whichever got there first says so.
    sent = re.compile(r"Your check-in from .* is sent")
    said = ""
    for _ in range(600):  # polls the condition for up to 30 s
        said = " ".join(tab.locator("#outbox-status").inner_text() for tab in (page, second_tab))
        if sent.search(said):
            break
        page.wait_for_timeout(50)
    assert sent.search(said), said
    assert CheckIn.objects.filter(patient=patient).count() == 1
    saved = CheckIn.objects.get(patient=patient)
    assert (saved.pain, saved.sleep, saved.mood, saved.self_harm_thoughts) == (5, 6, 6, False)

    page.reload()  # nothing is left to send, and nothing is sent twice
    expect(page.get_by_role("heading", name="Hello, Maria")).to_be_visible()
    expect(page.get_by_text("is waiting on this phone")).to_have_count(0)
    waiting = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open('taperwell-outbox');
            open.onsuccess = () => {
                const read = open.result.transaction('waiting').objectStore('waiting').count();
                read.onsuccess = () => { open.result.close(); resolve(read.result); };
            };
        })"""
    )
    assert waiting == 0
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


def test_a_yes_to_self_harm_typed_offline_shows_crisis_help_at_once_and_raises_the_flag_later(
    page, context, live_server, patient
):
    _signed_in_with_pages_kept(page, live_server)
    context.set_offline(True)
    page.goto(f"{live_server.url}/checkin/")
    for question, answer in [
        ("How bad is your pain today?", "7"),
        ("How well did you sleep last night?", "3"),
        ("How is your mood today?", "2"),
        ("How strong are withdrawal feelings today?", "4"),
        ("How strong is the urge to take more medicine?", "3"),
    ]:
        _choose(page, question, answer)
    page.get_by_role("group", name=re.compile("thoughts of hurting yourself")).get_by_role(
        "radio", name="Yes", exact=True
    ).check()
    _answer_the_other_safety_questions(page)
    page.get_by_role("button", name="Save my check-in").click()

    # No network, no waiting: help is on the screen now.
    expect(
        page.get_by_role("heading", name="You do not have to get through this alone")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Call 988")).to_be_visible()
    assert not Flag.objects.filter(patient=patient).exists()

    context.set_offline(False)
    page.goto(f"{live_server.url}/today/")
    # Sent as soon as a page opens online; the server's help page and the urgent flag follow.
    expect(page).to_have_url(re.compile(r"/help-now/"))
    assert Flag.objects.get(patient=patient, rule="self-harm").severity == "urgent"
    assert CheckIn.objects.get(patient=patient).self_harm_thoughts is True


def test_a_breathing_practice_saved_offline_is_logged_once_when_back_online(
    page, context, live_server, patient
):
    _signed_in_with_pages_kept(page, live_server)
    context.set_offline(True)
    page.goto(f"{live_server.url}/skills/breathe/")
    expect(page.locator("[data-offline-as-of]")).to_be_visible()
    page.get_by_text("How do you feel before you start?").click()  # folded under Start
    page.get_by_label("Pain now, before you start").fill("6")
    page.get_by_label("Distress or upset now, before you start").fill("5")
    page.get_by_role("button", name="Start breathing").click()
    expect(page.locator("#pacer-stage")).to_be_visible()
    page.get_by_role("button", name="Finish").click()
    page.get_by_label("Pain now, after the practice").fill("5")
    page.get_by_label("Distress or upset now, after the practice").fill("3")
    page.get_by_role("button", name="Save this practice").click()
    expect(page.locator("#outbox-status")).to_contain_text("Your breathing practice (saved at")
    assert not PracticeSession.objects.filter(patient=patient).exists()

    context.set_offline(False)
    sent = re.compile(r"Your breathing practice from .* is sent")
    expect(page.locator("#outbox-status")).to_contain_text(sent)
    logged = PracticeSession.objects.get(patient=patient)
    assert (logged.distress_before, logged.distress_after) == (5, 3)
    page.goto(f"{live_server.url}/today/")
    expect(page.get_by_role("heading", name="Hello, Maria")).to_be_visible()
    assert PracticeSession.objects.filter(patient=patient).count() == 1


def test_someone_else_signing_in_on_the_phone_never_sees_the_last_persons_pages(
    page, context, live_server, patient, clinic
):
    factories.make_patient(clinic, email="james@test.example", full_name="James Brown")
    _signed_in_with_pages_kept(page, live_server)
    context.clear_cookies(name="sessionid")  # the session ends without a sign-out (idle time)
    sign_in(page, live_server.url, "james@test.example", factories.PASSWORD)
    expect(page.get_by_role("heading", name="Hello, James")).to_be_visible()
    kept = page.evaluate(
        """async () => {
            const deadline = Date.now() + 20000;
            while (Date.now() < deadline) {
                const cache = await caches.open('taperwell-health');
                const today = await cache.match('/today/');
                if (today && (await today.text()).includes('Hello, James')) return 'James';
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            return 'still Maria';
        }"""
    )
    assert kept == "James"
    context.set_offline(True)
    page.goto(f"{live_server.url}/today/")
    expect(page.get_by_role("heading", name="Hello, James")).to_be_visible()
    expect(page.get_by_text("Maria")).to_have_count(0)


def test_two_pages_opened_at_once_fetch_each_kept_page_once(page, live_server, patient):
    """Each patient page asks the service worker to keep the pages; asked twice at once, it keeps
    them one warm after the other, so the second finds them fresh and the server answers once."""
    _signed_in_with_pages_kept(page, live_server)
    asked = []

    def started(environ, **kwargs):
        asked.append(environ.get("PATH_INFO"))

    page.evaluate("async () => { await caches.delete('taperwell-health'); }")
    request_started.connect(started, weak=False)
    try:
        _ask_to_keep_pages(page, times=2)
    finally:
        request_started.disconnect(started)
    assert set(KEPT) <= set(_kept_pages(page))
    assert sorted(path for path in asked if path in KEPT) == sorted(KEPT)


def test_the_notice_settings_page_offers_reminders_on_this_phone(page, live_server, patient):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/notices/settings/")
    box = page.get_by_role("region", name="Reminders on this phone")
    expect(box).to_be_visible()
    expect(box.get_by_role("status")).to_have_text("Reminders do not come to this phone yet.")
    expect(box.get_by_role("button", name="Send reminders to this phone")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "phone-push-settings")


def test_a_push_reaching_the_phone_shows_a_notice_that_opens_its_page(
    page, context, live_server, patient
):
    """The push service's part is tested in tests/webpush; here Chromium hands a push to our
    service worker as its push service would (DevTools protocol), and the notice appears."""
    context.grant_permissions(["notifications"], origin=live_server.url)
    _signed_in_with_pages_kept(page, live_server)
    cdp = context.new_cdp_session(page)
    found = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(
            r["registrationId"] for r in event["registrations"] if not r["isDeleted"]
        ),
    )
    # An active registration is what a push needs (a page it controls is not): wait for it, then
    # for DevTools to report it (its events come after `enable` answers).
    page.evaluate("() => navigator.serviceWorker.ready")
    cdp.send("ServiceWorker.enable")
    for _ in range(600):  # polls the condition for up to 30 s
        if found:
            break
        page.wait_for_timeout(50)
    assert found
    message = json.dumps(
        {
            "title": "Time for your check-in",
            "body": "Two minutes: how is today going?",
            "url": "/checkin/",
            "tag": "notice-1",
        }
    )
    # A push handed to a registration that is still starting up can be lost, as a real push
    # service would retry: deliver again until the notice shows (one tag, so never two notices).
    shown = None
    for _ in range(10):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": found[-1], "data": message},
        )
        shown = page.evaluate(
            """async () => {
                const registration = await navigator.serviceWorker.ready;
                const deadline = Date.now() + 3000;
                while (Date.now() < deadline) {
                    const shown = await registration.getNotifications();
                    if (shown.length) {
                        const n = shown[0];
                        return {title: n.title, body: n.body, tag: n.tag, url: n.data.url};
                    }
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
                return null;
            }"""
        )
        if shown is not None:
            break
    assert shown == {
        "title": "Time for your check-in",
        "body": "Two minutes: how is today going?",
        "tag": "notice-1",
        "url": "/checkin/",
    }


def test_a_checkin_typed_offline_on_an_earlier_day_is_not_sent_as_todays(
    page, context, live_server, patient
):
    _signed_in_with_pages_kept(page, live_server)
    context.set_offline(True)
    page.goto(f"{live_server.url}/checkin/")
    for question in [
        "How bad is your pain today?",
        "How well did you sleep last night?",
        "How is your mood today?",
        "How strong are withdrawal feelings today?",
        "How strong is the urge to take more medicine?",
    ]:
        _choose(page, question, "3")
    _answer_every_safety_question_no(page)
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.locator("#outbox-status")).to_contain_text("is waiting on this phone")
    # The phone stayed offline overnight: the kept check-in was typed yesterday.
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('taperwell-outbox');
            open.onsuccess = () => {
                const tx = open.result.transaction('waiting', 'readwrite');
                const store = tx.objectStore('waiting');
                store.getAll().onsuccess = (event) => {
                    for (const item of event.target.result) {
                        item.savedAt = new Date(Date.now() - 86400000).toISOString();
                        store.put(item);
                    }
                };
                tx.oncomplete = () => { open.result.close(); resolve(); };
                tx.onerror = () => reject(tx.error);
            };
        })"""
    )
    context.set_offline(False)
    expect(page.locator("#outbox-status")).to_contain_text(
        "Your check-in from an earlier day could not be sent in time."
    )
    assert not CheckIn.objects.filter(patient=patient).exists()


def test_a_checkin_sent_on_a_signal_too_weak_to_carry_it_waits_and_is_saved_once(
    page, context, live_server, patient
):
    """The phone believes it is online but the request fails: the service worker keeps it."""
    _signed_in_with_pages_kept(page, live_server)
    context.set_offline(True)
    page.goto(f"{live_server.url}/checkin/")
    page.evaluate("() => Object.defineProperty(navigator, 'onLine', {get: () => true})")
    for question in [
        "How bad is your pain today?",
        "How well did you sleep last night?",
        "How is your mood today?",
        "How strong are withdrawal feelings today?",
        "How strong is the urge to take more medicine?",
    ]:
        _choose(page, question, "4")
    _answer_every_safety_question_no(page)
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.locator("[data-offline-as-of]")).to_be_visible()  # back on the kept form
    expect(page.locator("#outbox-status")).to_contain_text("Your check-in (saved at")
    assert not CheckIn.objects.filter(patient=patient).exists()

    context.set_offline(False)
    expect(page.locator("#outbox-status")).to_contain_text(
        re.compile(r"Your check-in from .* is sent")
    )
    assert CheckIn.objects.get(patient=patient).pain == 4


def test_online_a_checkin_passes_through_the_service_worker_as_before(page, live_server, patient):
    _signed_in_with_pages_kept(page, live_server)
    page.goto(f"{live_server.url}/checkin/")
    for question in [
        "How bad is your pain today?",
        "How well did you sleep last night?",
        "How is your mood today?",
        "How strong are withdrawal feelings today?",
        "How strong is the urge to take more medicine?",
    ]:
        _choose(page, question, "2")
    _answer_every_safety_question_no(page)  # required: without them nothing is saved
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_role("heading", name="That sounds like a hard day")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/checkin/saved/")
    assert CheckIn.objects.get(patient=patient).pain == 2
    page.context.set_offline(True)  # the Today kept now does not say "saved" again
    page.goto(f"{live_server.url}/today/")
    expect(page.locator("[data-offline-as-of]")).to_be_visible()
    expect(page.get_by_text("Thank you. Your check-in is saved.")).to_have_count(0)


def test_a_patient_turns_on_reminders_on_this_phone_and_the_sweep_pushes_to_it(
    page, context, live_server, patient, settings
):
    """The browser's push service is outside the project: Chromium here cannot reach one, so the
    subscription it would hand back is an address on the local push service of tests/webpush,
    with keys made like a browser's. Everything of ours runs as it does on a phone."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from taperwell.notifications.models import Preference
    from taperwell.notifications.reminders import send_due_reminders_now
    from taperwell.webpush.models import PushSubscription
    from tests.webpush.push_endpoint import PushService

    settings.VAPID_PRIVATE_KEY = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    service = PushService()
    try:
        phone = service.device("marias-phone")
        context.grant_permissions(["notifications"], origin=live_server.url)
        page.set_viewport_size(PHONE)
        sign_in(page, live_server.url, "maria@test.example", factories.PASSWORD)
        page.goto(f"{live_server.url}/notices/settings/")
        box = page.get_by_role("region", name="Reminders on this phone")
        expect(box.get_by_role("status")).to_have_text("Reminders do not come to this phone yet.")
        page.evaluate(
            """(sub) => {
                PushManager.prototype.subscribe = async function (options) {
                    window.askedWithKey = new Uint8Array(options.applicationServerKey).length;
                    return {endpoint: sub.endpoint, toJSON: () => sub};
                };
            }""",
            {
                "endpoint": service.endpoint(phone),
                "keys": {"p256dh": phone.p256dh, "auth": phone.auth},
            },
        )
        box.get_by_role("button", name="Send reminders to this phone").click()
        expect(box.get_by_role("status")).to_have_text("Reminders come to this phone.")
        expect(box.get_by_role("button", name="Stop reminders on this phone")).to_be_visible()
        assert page.evaluate("() => window.askedWithKey") == 65  # the server's VAPID public key
        _ask_to_keep_pages(page)  # the pages asked for since sign-in are in; the server is quiet
        sub = PushSubscription.objects.get(user=patient.user)
        assert sub.endpoint == service.endpoint(phone)
        assert sub.device.startswith("Chrome on")

        Preference.objects.update_or_create(
            user=patient.user,
            defaults={
                "time_zone": "UTC",
                "quiet_start": "00:00",
                "quiet_end": "00:00",
                "checkin_time": "00:00",
            },
        )
        counts = send_due_reminders_now()
        received = service.wait_for(phone, counts["sent"])
        assert len(received) == counts["sent"] > 0
        assert "Time for your check-in" in {r.payload["title"] for r in received}
    finally:
        service.stop()
