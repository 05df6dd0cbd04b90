"""Staying signed in (issue 16, point 3): "keep me signed in on this device" keeps a patient
signed in for 30 days; staff always keep the idle timeout; sign-out and a password change end it.
A passkey is a patient's way in, never a staff member's second factor."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from taperwell.clinics.models import Role
from tests import factories

LOGIN = "/accounts/login/"
TODAY = "/today/"
TRIAGE = "/clinic/triage/"


def _sign_in(client: Client, email: str, *, keep: bool) -> None:
    data = {"login": email, "password": factories.PASSWORD}
    if keep:
        data["keep_signed_in"] = "on"
    response = client.post(LOGIN, data)
    assert response.status_code == 302, response.content[:500]


def _stored_end(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _days_left(client: Client) -> float:
    return (_stored_end(client) - timezone.now()) / timedelta(days=1)


def _give_passkey(user) -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "My phone", "passwordless": True}
    )


@pytest.mark.django_db
def test_a_patient_who_ticks_the_box_stays_signed_in_for_thirty_days(client, patient):
    _sign_in(client, patient.user.email, keep=True)

    assert 29.9 < _days_left(client) <= 30
    assert client.session.get_expire_at_browser_close() is False
    assert client.get(TODAY).status_code == 200


@pytest.mark.django_db
def test_a_patient_who_leaves_the_box_empty_keeps_the_idle_timeout(client, patient, settings):
    _sign_in(client, patient.user.email, keep=False)

    assert _days_left(client) * 86400 <= settings.SESSION_COOKIE_AGE + 1
    assert client.session.get_expire_at_browser_close() is True


@pytest.mark.django_db
def test_staff_who_tick_the_box_keep_the_idle_timeout(client, clinic, settings):
    settings.REQUIRE_STAFF_MFA = False  # the demo's rule: the password alone signs staff in
    clinician = factories.make_staff(clinic, Role.CLINICIAN, email="dr@test.example", totp=False)

    _sign_in(client, clinician.email, keep=True)

    assert client.get(TRIAGE).status_code == 200  # signed in
    assert _days_left(client) * 86400 <= settings.SESSION_COOKIE_AGE + 1
    assert client.session.get_expire_at_browser_close() is True


@pytest.mark.django_db
def test_signing_out_ends_a_kept_session(client, patient):
    _sign_in(client, patient.user.email, keep=True)
    kept_key = client.session.session_key

    client.post("/accounts/logout/")

    assert not Session.objects.filter(session_key=kept_key).exists()
    assert client.get(TODAY).status_code == 302


@pytest.mark.django_db
def test_a_password_change_ends_every_kept_session(patient):
    phone, laptop = Client(), Client()
    _sign_in(phone, patient.user.email, keep=True)
    _sign_in(laptop, patient.user.email, keep=True)

    changed = laptop.post(
        "/accounts/password/change/",
        {
            "oldpassword": factories.PASSWORD,
            "password1": "a-new-long-password-7",
            "password2": "a-new-long-password-7",
        },
    )

    assert changed.status_code == 302, changed.content[:800]
    assert phone.get(TODAY).status_code == 302  # the other device is signed out
    assert laptop.get(TODAY).status_code == 200  # this one stays, on the idle timeout
    assert laptop.session.get_expire_at_browser_close() is True
    assert _days_left(laptop) < 1


@pytest.mark.django_db
def test_a_kept_session_goes_back_to_the_idle_timeout_when_the_person_is_no_longer_a_patient(
    client, patient, settings
):
    settings.REQUIRE_STAFF_MFA = False
    _sign_in(client, patient.user.email, keep=True)
    patient.user.membership.role = Role.STAFF
    patient.user.membership.save()

    client.get("/")

    assert _days_left(client) * 86400 <= settings.SESSION_COOKIE_AGE + 1


@pytest.mark.django_db
def test_a_patient_with_a_passkey_still_signs_in_with_the_password_alone(client, patient):
    _give_passkey(patient.user)

    response = client.post(LOGIN, {"login": patient.user.email, "password": factories.PASSWORD})

    assert response.status_code == 302
    assert not response["Location"].startswith("/accounts/2fa/")
    assert client.get(TODAY).status_code == 200


@pytest.mark.django_db
def test_a_passkey_sign_in_is_not_the_second_factor_for_staff(client, clinic, settings):
    settings.REQUIRE_STAFF_MFA = True
    settings.DEMO_MODE = False
    clinician = factories.make_staff(clinic, Role.CLINICIAN, email="dr@test.example", totp=True)
    passkey = _give_passkey(clinician)
    client.force_login(clinician)
    session = client.session
    # What allauth records for a passkey sign-in: one "mfa" step, passwordless.
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(clinician.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {
            "method": "mfa",
            "at": time.time(),
            "id": passkey.pk,
            "type": passkey.type,
            "passwordless": True,
        }
    ]
    session.save()

    asked = client.get(TRIAGE)

    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/2fa/reauthenticate/")


@pytest.mark.django_db
def test_staff_with_only_a_passkey_are_sent_to_set_up_an_authenticator_not_to_a_passkey_step(
    client, clinic, settings
):
    settings.REQUIRE_STAFF_MFA = True
    settings.DEMO_MODE = False
    clinician = factories.make_staff(clinic, Role.CLINICIAN, email="dr@test.example", totp=False)
    _give_passkey(clinician)

    signed_in = client.post(LOGIN, {"login": clinician.email, "password": factories.PASSWORD})
    assert signed_in["Location"] != "/accounts/2fa/authenticate/"  # no passkey-as-second-step

    asked = client.get(TRIAGE)
    assert asked["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.django_db
def test_a_patient_sees_their_passkeys_in_plain_words_with_a_way_to_remove_each(client, patient):
    passkey = _give_passkey(patient.user)
    client.force_login(patient.user)

    page = client.get("/accounts/2fa/webauthn/").content.decode()

    assert "Your passkeys" in page
    assert f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/" in page
    assert "Security Keys" not in page


@pytest.mark.django_db
def test_removing_a_lost_phones_passkey_signs_that_phone_out(patient):
    passkey = _give_passkey(patient.user)
    phone, laptop = Client(), Client()
    _sign_in(phone, patient.user.email, keep=True)
    _sign_in(laptop, patient.user.email, keep=False)
    laptop.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})  # allauth asks
    asked = laptop.get(f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/").content.decode()
    assert "Remove “My phone”?" in asked

    removed = laptop.post(f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/")

    assert removed.status_code == 302
    assert not Authenticator.objects.filter(pk=passkey.pk).exists()
    assert phone.get(TODAY).status_code == 302  # signed out
    assert laptop.get(TODAY).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old_backend",
    [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ],
)
def test_a_session_signed_in_under_a_backends_old_name_stays_signed_in(
    client, patient, old_backend
):
    from django.contrib.auth import BACKEND_SESSION_KEY

    _sign_in(client, patient.user.email, keep=True)
    session = client.session
    session[BACKEND_SESSION_KEY] = old_backend
    session.save()

    assert client.get(TODAY).status_code == 200
    assert client.session[BACKEND_SESSION_KEY].startswith("taperwell.accounts.backends.")


@pytest.mark.django_db
def test_signing_in_with_a_password_names_a_backend_that_loads_the_patient_with_the_user(
    client, patient, settings
):
    from django.contrib.auth import BACKEND_SESSION_KEY

    _sign_in(client, patient.user.email, keep=False)

    assert client.session[BACKEND_SESSION_KEY] in settings.AUTHENTICATION_BACKENDS
    assert client.session[BACKEND_SESSION_KEY].startswith("taperwell.accounts.backends.")


@pytest.mark.django_db
def test_a_patient_whose_account_is_turned_off_is_signed_out_on_the_next_page(client, patient):
    _sign_in(client, patient.user.email, keep=True)
    assert client.get(TODAY).status_code == 200
    patient.user.is_active = False
    patient.user.save(update_fields=["is_active"])

    response = client.get(TODAY)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
