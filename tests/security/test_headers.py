"""Security headers on every response, no inline script anywhere, and a clean deploy check."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "taperwell"]


def _assert_secure_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'", csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["/accounts/login/", "/crisis/", "/healthz", "/no-such-page/"])
def test_every_public_response_carries_the_security_headers(client, db, url):
    _assert_secure_headers(client.get(url))


def test_signed_in_pages_carry_them_too(client, patient, clinician):
    client.force_login(patient.user)
    _assert_secure_headers(client.get("/today/"))
    _assert_secure_headers(client.get("/checkin/"))
    client.force_login(clinician)
    _assert_secure_headers(client.get("/clinic/triage/"))
    _assert_secure_headers(client.get(f"/clinic/patients/{patient.public_id}/"))


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _templates():
    for base in TEMPLATE_DIRS:
        yield from sorted(base.rglob("*.html"))


def test_the_scan_finds_the_templates():
    names = {path.name for path in _templates()}
    assert {"base.html", "checkin_form.html", "503.html"} <= names


@pytest.mark.parametrize(
    ("rule", "pattern"),
    [
        ("an inline <script> (scripts must be static files)", INLINE_SCRIPT),
        ("an on...= event handler attribute", EVENT_HANDLER),
        ("a style= attribute (the CSP allows stylesheets only)", STYLE_ATTRIBUTE),
        ("a javascript: URL", JS_URL),
    ],
)
def test_no_template_holds_code_the_content_security_policy_would_block(rule, pattern):
    found = []
    for path in _templates():
        text = path.read_text()
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)[:80]!r}")
    assert not found, f"{rule}:\n" + "\n".join(found)


def test_htmx_is_told_not_to_inject_its_indicator_style(client, patient):
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in page


def _production(tmp_path: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TAPERWELL_", "SECURE_", "DJANGO_")) and k not in {"DATABASE_URL"}
    }
    env.update(
        TAPERWELL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="clinic.example.org",
        TAPERWELL_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="taperwell.settings",
    )
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "django", *args]
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_deploy_check_is_clean_under_production_settings(tmp_path):
    result = _production(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_production_sends_hsts_and_redirects_plain_http_to_https(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='clinic.example.org')\n"
        "plain = c.get('/crisis/')\n"
        "print(plain.status_code, plain['Location'])\n"
        "tls = c.get('/healthz', headers={'X-Forwarded-Proto': 'https'})\n"
        "print(tls.status_code, tls['Strict-Transport-Security'])\n"
        "health = c.get('/healthz')\n"
        "print(health.status_code)\n"
    )
    result = _production(tmp_path, code=code)
    assert result.returncode == 0, result.stderr
    redirect, hsts, health = result.stdout.strip().splitlines()
    assert redirect == "301 https://clinic.example.org/crisis/"
    assert hsts == "200 max-age=31536000; includeSubDomains; preload"
    assert health == "200"  # the load balancer's plain-HTTP health check is not redirected


def test_a_database_outage_in_a_page_shows_a_calm_503_with_crisis_help(patient, monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("connection to server failed")

    monkeypatch.setattr("taperwell.core.views.role_of", database_down)
    client = Client(raise_request_exception=False)
    client.force_login(patient.user)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "back in a moment" in page
    assert 'href="tel:988"' in page
    assert "Traceback" not in page
    assert "OperationalError" not in page


def test_a_database_outage_outside_the_page_gets_the_same_503(patient, monkeypatch):
    """The session is saved after the page is drawn: an outage there is caught as well."""

    def database_down(*args, **kwargs):
        raise OperationalError("the database is restarting")

    client = Client(raise_request_exception=False)
    client.force_login(patient.user)
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", database_down)
    response = client.get("/crisis/")
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()


def test_any_other_failure_still_shows_the_plain_500_page(patient, monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr("taperwell.core.views.role_of", bug)
    client = Client(raise_request_exception=False)
    client.force_login(patient.user)
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
