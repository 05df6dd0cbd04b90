"""Sign-in security: argon2, throttling, idle timeout, two-factor sign-in for staff."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone

from taperwell import settings as real_settings
from tests import factories


def test_passwords_are_hashed_with_argon2_outside_the_test_suite():
    assert real_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_repeated_failed_sign_ins_are_throttled_even_with_the_right_password(client, patient):
    for _ in range(5):
        client.post("/accounts/login/", {"login": patient.user.email, "password": "wrong guess"})
    response = client.post(
        "/accounts/login/", {"login": patient.user.email, "password": factories.PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 429}
    assert "Too many" in response.content.decode()


def test_a_good_sign_in_works(client, patient):
    response = client.post(
        "/accounts/login/", {"login": patient.user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(patient.user.pk)


def test_a_wrong_password_says_so_and_keeps_the_email(client, patient):
    page = client.post(
        "/accounts/login/", {"login": patient.user.email, "password": "nope"}
    ).content.decode()
    assert "not correct" in page
    assert f'value="{patient.user.email}"' in page


def test_an_idle_session_ends(client, patient):
    client.force_login(patient.user)
    assert client.get("/today/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/today/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_each_request_pushes_the_idle_timeout_forward(client, patient, settings):
    client.force_login(patient.user)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get("/today/")
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_a_clinician_without_an_authenticator_must_set_one_up(client, clinic, patient):
    clinician = factories.make_staff(clinic, "clinician", totp=False)
    client.force_login(clinician)
    response = client.get(f"/clinic/patients/{patient.public_id}/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_a_patient_is_not_asked_for_a_second_factor(client, patient):
    client.force_login(patient.user)
    assert client.get("/today/").status_code == 200


@override_settings(REQUIRE_STAFF_MFA=False)
def test_the_demo_lets_staff_in_without_a_second_factor(client, clinic):
    clinician = factories.make_staff(clinic, "clinician", totp=False)
    client.force_login(clinician)
    assert client.get("/clinic/patients/").status_code == 200


def test_signing_in_with_an_authenticator_asks_for_the_code(client, clinic):
    clinician = factories.make_staff(clinic, "clinician", totp=False)
    secret = factories.give_totp(clinician)
    response = client.post(
        "/accounts/login/", {"login": clinician.email, "password": factories.PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    bad = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert bad.status_code == 200
    client.post("/accounts/2fa/authenticate/", {"code": factories.totp_code(secret)})
    assert client.session["_auth_user_id"] == str(clinician.pk)


@pytest.mark.parametrize(("steps_ago", "accepted"), [(1, True), (3, False)])
def test_a_code_from_the_step_before_is_accepted_but_an_old_one_is_not(
    client, clinic, steps_ago, accepted
):
    clinician = factories.make_staff(clinic, "clinician", totp=False)
    secret = factories.give_totp(clinician)
    client.post("/accounts/login/", {"login": clinician.email, "password": factories.PASSWORD})
    code = factories.totp_code(secret, steps_ago=steps_ago)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert ("_auth_user_id" in client.session) is accepted


def _settings_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "TAPERWELL_ENV", "TAPERWELL_REQUIRE_STAFF_MFA"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import taperwell.settings as s; "
            "print(s.REQUIRE_STAFF_MFA, s.DEBUG, s.SESSION_COOKIE_SECURE)",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_a_fresh_process(TAPERWELL_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when TAPERWELL_ENV=production" in result.stderr


def test_production_settings_require_two_factor_sign_in_for_staff():
    result = _settings_in_a_fresh_process(TAPERWELL_ENV="production", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "True"]


def test_the_demo_settings_do_not_require_it():
    result = _settings_in_a_fresh_process(TAPERWELL_ENV="demo")
    assert result.stdout.split()[0] == "False"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TAPERWELL_ENV", "prod", "TAPERWELL_ENV must be demo, production or test"),
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("SESSION_IDLE_MINUTES", "ten", "SESSION_IDLE_MINUTES must be a whole number"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must start with sqlite:// or postgres://"),
    ],
)
def test_a_malformed_setting_stops_the_start_with_a_clear_message(name, value, message):
    result = _settings_in_a_fresh_process(**{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_pages_with_health_data_are_not_cached(client, patient):
    client.force_login(patient.user)
    assert "no-store" in client.get("/today/")["Cache-Control"]
