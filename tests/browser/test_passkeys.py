"""On a 390 px phone in Chromium, with its virtual authenticator standing in for the phone's
screen lock: a patient adds a passkey from their account page and signs in with it, with no
password and with allauth's WebAuthn scripts running under our Content-Security-Policy."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, assert_accessible, screenshot, sign_in, sign_out
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session_cookie(page) -> str:
    (cookie,) = [
        c for c in page.context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME
    ]
    return cookie["value"]


@pytest.fixture
def phone_lock(page):
    """Chromium's virtual authenticator: a platform passkey store that checks the person."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield cdp, added["authenticatorId"]
    cdp.send("WebAuthn.disable")


def test_a_patient_adds_a_passkey_and_signs_in_with_it(
    page, live_server, patient, phone_lock, settings
):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # http://localhost in the test server
    cdp, authenticator_id = phone_lock
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.set_viewport_size(PHONE)

    sign_in(page, live_server.url, "maria@test.example", PASSWORD)
    page.goto(f"{live_server.url}/accounts/password/change/")
    page.get_by_role("link", name="Add a passkey").click()
    # allauth asks for the password again before a new way in is added.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Add a passkey")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "passkey-add")
    page.get_by_label(re.compile("A name for this passkey")).fill("My phone")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/change/$"))  # back to the account

    passkey = Authenticator.objects.get(user=patient.user, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless is True
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1
    assert stored["credentials"][0]["isResidentCredential"] is True

    sign_out(page)
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    screenshot(page, "sign-in-with-passkey")
    page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Sign in with a passkey").click()

    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/today/")
    expect(page).to_have_url(re.compile(r"/today/$"))  # not sent back to sign in
    kept = Session.objects.get(session_key=_session_cookie(page))
    assert kept.expire_date - timezone.now() > timedelta(days=29)  # the box counts for passkeys
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert refused == []
