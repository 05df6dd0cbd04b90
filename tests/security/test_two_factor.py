"""Two-factor sign-in holds on every door, for the session and for API tokens (issue 15, 1-2).

Run with production's rules: two-factor required for every role but patients.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from taperwell.api.models import ApiToken
from taperwell.api.services import api_token_create
from tests import factories

TRIAGE = "/clinic/triage/"
ME = "/api/v1/me"


@pytest.fixture(autouse=True)
def _production_rules(settings):
    settings.PRODUCTION = True
    settings.DEMO_MODE = False
    settings.REQUIRE_STAFF_MFA = True


@pytest.fixture
def operator(db):
    user = factories.User.objects.create_superuser(
        email="operator@test.example", password=factories.PASSWORD, full_name="Op Erator"
    )
    factories.give_totp(user)
    return user


def _bearer(client: Client, raw: str, method: str = "get", **extra):
    return getattr(client, method)(ME, HTTP_AUTHORIZATION=f"Bearer {raw}", **extra)


# --- finding 1: the operator console's own login -----------------------------------------


def test_posting_a_password_to_the_operator_login_signs_nobody_in(client, operator):
    response = client.post(
        "/operator/login/?next=/operator/",
        {"username": operator.email, "password": factories.PASSWORD, "next": "/operator/"},
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Foperator%2F"


def test_the_operator_login_sends_people_to_the_sign_in_that_asks_for_the_code(client, operator):
    response = client.get("/operator/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Foperator%2F"

    client.post(
        "/accounts/login/?next=/operator/",
        {"login": operator.email, "password": factories.PASSWORD},
    )
    assert "_auth_user_id" not in client.session  # the code step comes first


def test_an_operator_signed_in_with_only_a_password_cannot_open_the_console(client, operator):
    assert client.login(email=operator.email, password=factories.PASSWORD)  # no code typed

    response = client.get("/operator/clinics/membership/add/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")


# --- finding 2: the code belongs to the session ---------------------------------------------


def test_a_clinician_session_without_the_code_is_asked_for_it_before_triage(client, clinic):
    clinician = factories.make_staff(clinic, "clinician", totp=False)
    secret = factories.give_totp(clinician)
    assert client.login(email=clinician.email, password=factories.PASSWORD)

    asked = client.get(TRIAGE)
    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fclinic%2Ftriage%2F"
    # Nor can that session remove or replace the authenticator.
    assert client.get("/accounts/2fa/totp/deactivate/").status_code == 302

    client.post("/accounts/2fa/reauthenticate/", {"code": factories.totp_code(secret)})
    assert client.get(TRIAGE).status_code == 200


def test_setting_up_an_authenticator_counts_as_the_code_for_that_session(client, clinic):
    clinician = factories.make_staff(clinic, "clinician", totp=False)
    client.post("/accounts/login/", {"login": clinician.email, "password": factories.PASSWORD})
    assert client.get(TRIAGE)["Location"] == "/accounts/2fa/totp/activate/"

    client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})  # allauth asks
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    client.post("/accounts/2fa/totp/activate/", {"code": factories.totp_code(secret)})

    assert Authenticator.objects.filter(user=clinician, type="totp").exists()
    assert client.get(TRIAGE).status_code == 200


def test_removing_the_authenticator_ends_other_sessions_and_stops_triage_in_this_one(
    clinician, patient
):
    here, elsewhere = Client(), Client()
    here.force_login(clinician)
    elsewhere.force_login(clinician)
    assert elsewhere.get(TRIAGE).status_code == 200

    here.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})  # allauth asks
    removed = here.post("/accounts/2fa/totp/deactivate/")
    assert removed.status_code == 302
    assert not Authenticator.objects.filter(user=clinician, type="totp").exists()

    assert elsewhere.get(TRIAGE)["Location"].startswith("/accounts/login/")
    assert here.get(TRIAGE)["Location"] == "/accounts/2fa/totp/activate/"


def test_removing_the_authenticator_revokes_the_persons_api_tokens(client, clinician, patient):
    raw = api_token_create(user=clinician, name="EHR", second_factor=True).raw
    assert _bearer(client, raw).status_code == 200

    Authenticator.objects.get(user=clinician, type="totp").delete()

    assert _bearer(client, raw).status_code == 401
    assert ApiToken.objects.get(user=clinician).revoked_at is not None


def test_a_front_desk_token_made_without_two_factor_is_refused_in_production(
    client, settings, clinic
):
    desk = factories.make_staff(clinic, "staff", totp=False)
    settings.REQUIRE_STAFF_MFA = False  # as in the demo
    client.force_login(desk)
    raw = client.post("/account/api-tokens/", {"name": "front desk script"}).context["new"].raw
    settings.REQUIRE_STAFF_MFA = True  # production

    assert _bearer(Client(), raw).status_code == 401
    factories.give_totp(desk)  # an authenticator added later does not bless the old token
    refused = _bearer(Client(), raw)
    assert refused.status_code == 401
    assert "two-factor" in refused.json()["detail"]


def test_staff_get_a_token_only_from_a_session_that_passed_two_factor(client, clinician):
    assert client.login(email=clinician.email, password=factories.PASSWORD)
    response = client.post("/account/api-tokens/", {"name": "script"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=clinician).exists()

    with pytest.raises(PermissionDenied):
        api_token_create(user=clinician, name="script")

    client.force_login(clinician)  # the code typed
    made = client.post("/account/api-tokens/", {"name": "script"})
    token = ApiToken.objects.get(user=clinician)
    assert token.second_factor
    assert _bearer(Client(), made.context["new"].raw).status_code == 200


def test_a_token_expires_after_ninety_days_by_default(client, patient, settings):
    new = api_token_create(user=patient.user, name="phone")
    lifetime = new.token.expires_at - new.token.created_at
    assert timedelta(days=90) - lifetime < timedelta(seconds=5)
    assert settings.API_TOKEN_LIFETIME_DAYS == 90

    ApiToken.objects.filter(pk=new.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    refused = _bearer(client, new.raw)
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def test_a_read_only_token_reads_but_cannot_write(client, patient):
    raw = api_token_create(user=patient.user, name="viewer", read_only=True).raw
    assert _bearer(client, raw).status_code == 200

    written = client.post(
        "/api/v1/me/checkins",
        data={
            "pain": 4,
            "sleep": 5,
            "mood": 5,
            "withdrawal": 1,
            "craving": 1,
            "idempotency_key": str(uuid.uuid4()),
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert written.status_code == 403
    assert "only read" in written.json()["detail"]


def test_under_the_real_production_settings_the_operator_console_needs_the_code(tmp_path):
    from tests.security.test_headers import _production

    pw = repr(factories.PASSWORD)
    code = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from django.test import Client\n"
        "from taperwell.accounts.models import User\n"
        "from tests.factories import give_totp\n"
        f"op = User.objects.create_superuser('op@example.org', {pw}, full_name='O')\n"
        "give_totp(op)\n"
        "c = Client(HTTP_HOST='clinic.example.org', HTTP_X_FORWARDED_PROTO='https')\n"
        f"r = c.post('/operator/login/', {{'username': 'op@example.org', 'password': {pw}}})\n"
        "print(r.status_code, r['Location'], '_auth_user_id' in c.session)\n"
        f"c.login(email='op@example.org', password={pw})\n"
        "print(c.get('/operator/').get('Location', 'no redirect'))\n"
    )
    result = _production(tmp_path, code=code)

    lines = result.stdout.strip().splitlines()
    assert lines[0] == "302 /accounts/login/?next=%2Foperator%2F False", result.stdout
    assert result.returncode == 0, result.stderr
    assert lines[1] == "/accounts/2fa/reauthenticate/?next=%2Foperator%2F"
