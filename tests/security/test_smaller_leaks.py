"""The smaller leaks of the second security pass, each closed: a hidden topic's title, the
moderation queue, the password reset for an unknown address, patients' names in triage
addresses, tokens in the access log, the API docs under our CSP, and the email page."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core import mail

from taperwell.community.models import Post
from taperwell.community.services import member_join, post_create, post_hide, report_create

pytestmark = pytest.mark.django_db


# --- the peer group -----------------------------------------------------------------------------


def test_a_hidden_topics_title_does_not_show_on_its_own_page(
    client, patient, other_patient, counsellor
):
    author = member_join(patient=patient, display_name="SunnyDays")
    member_join(patient=other_patient, display_name="RiverWalker")
    topic = post_create(member=author, title="Selling my spare pills", body="Message me")
    post_hide(post=topic, by=counsellor, reason="Selling medicines is not allowed")
    client.force_login(other_patient.user)
    page = client.get(f"/group/{topic.public_id}/").content.decode()
    assert "Selling my spare pills" not in page
    assert "Hidden by a moderator" in page
    client.force_login(counsellor)  # the moderator still reads it
    assert "Selling my spare pills" in client.get(f"/group/{topic.public_id}/").content.decode()
    client.force_login(patient.user)  # and so does its author
    assert "Selling my spare pills" in client.get(f"/group/{topic.public_id}/").content.decode()


def test_the_moderation_queue_holds_only_held_and_reported_posts(
    client, patient, other_patient, counsellor
):
    sunny = member_join(patient=patient, display_name="SunnyDays")
    river = member_join(patient=other_patient, display_name="RiverWalker")
    post_create(member=sunny, title="Good walk today", body="Twenty minutes by the river")
    reported = post_create(member=sunny, title="Cheap pills", body="Ask me for some")
    report_create(post=reported, reporter=river, reason="selling")
    settled = post_create(member=river, title="A quiet week", body="Nothing much to say")
    report_create(post=settled, reporter=sunny, reason="by mistake")
    settled.reports.update(resolved_at=dt.datetime.now(dt.UTC))
    client.force_login(counsellor)
    page = client.get("/group/moderation/").content.decode()
    assert "Cheap pills" in page
    assert "Good walk today" not in page
    assert "A quiet week" not in page
    assert page.count('data-testid="queue-item"') == 1
    assert Post.objects.count() == 3


# --- sign-in pages -----------------------------------------------------------------------------


def test_a_password_reset_for_an_unknown_address_points_nowhere_near_sign_up(client, clinic):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}".lower()
        assert "signup" not in text
        assert "sign up" not in text
        assert "/accounts/" not in text


def test_opening_the_email_page_leaves_no_unverified_address_to_block_two_factor(
    client, clinic, settings
):
    from allauth.account.models import EmailAddress
    from allauth.mfa.internal.flows.add import validate_can_add_authenticator

    from tests import factories

    settings.REQUIRE_STAFF_MFA = False  # a staff member who has not set up two-factor yet
    staff = factories.make_staff(clinic, "clinician", totp=False, full_name="Dr. New Starter")
    client.force_login(staff)
    client.get("/accounts/email/")
    assert not EmailAddress.objects.filter(user=staff, verified=False).exists()
    validate_can_add_authenticator(staff)  # allauth's own check before TOTP set-up: no error


# --- triage search --------------------------------------------------------------------------------


def test_the_triage_search_sends_names_by_post_and_pushes_nothing_to_history(
    client, clinician, patient, other_patient
):
    client.force_login(clinician)
    page = client.get("/clinic/triage/").content.decode()
    form = re.search(r'<form class="filters"[^>]*>', page).group(0)
    assert 'method="post"' in form
    assert "hx-post" in form
    assert "hx-push-url" not in form
    rows = client.post(
        "/clinic/triage/", {"q": "Maria", "scope": "all"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Maria Alvarez" in rows
    assert "Other Patient" not in rows
    assert "q=" not in rows  # nor in the pages' links


def test_a_name_in_the_triage_address_is_not_used(client, clinician, patient, other_patient):
    client.force_login(clinician)
    rows = client.get(
        "/clinic/triage/", {"q": "Maria", "scope": "all"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Other Patient" in rows  # the address's search was ignored


# --- the access log ----------------------------------------------------------------------------


def _access_line(raw_uri: str, referer: str = "-") -> str:
    from gunicorn.config import Config

    from taperwell.core.access_log import ACCESS_LOG_FORMAT, RedactingLogger

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", ACCESS_LOG_FORMAT)
    logger = RedactingLogger(config)
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Calendar/1.0",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", referer)])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=5))
    return ACCESS_LOG_FORMAT % atoms


@pytest.mark.parametrize(
    ("raw_uri", "secret"),
    [
        ("/calendar/cal_3f9a8b7c6d5e4f30a1b2.ics", "cal_3f9a8b7c6d5e4f30a1b2"),
        ("/my/data/exports/1b0c/download/?t=eyJzaWduZWQiOjF9:secret", "eyJzaWduZWQiOjF9"),
        ("/enrol/i/InvItAtIoNtOkEn123/", "InvItAtIoNtOkEn123"),
        ("/clinic/triage/?q=Maria+Alvarez", "Maria"),
    ],
    ids=["calendar token", "export link", "invitation link", "a name searched"],
)
def test_the_access_log_keeps_no_token_or_query_string(raw_uri, secret):
    line = _access_line(raw_uri, referer=f"https://clinic.example{raw_uri}")
    assert secret not in line
    assert "GET /" in line
    assert " 200 " in line


def test_the_web_server_is_started_with_the_redacting_access_log(monkeypatch):
    """`taperwell serve` passes the logger and format to gunicorn (the process is not started)."""
    import signal
    import subprocess

    from django.core.management import call_command

    started: list[list[str]] = []

    class Stopped:
        returncode = 0

        def __init__(self, args, **kwargs):
            started.append(list(args))

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(subprocess, "Popen", Stopped)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # keep pytest's own handlers
    with pytest.raises(SystemExit):
        call_command("serve")
    web = next(args for args in started if "gunicorn" in args)
    assert web[web.index("--logger-class") + 1] == "taperwell.core.access_log.RedactingLogger"
    assert "%(r)s" in web[web.index("--access-logformat") + 1]
    assert "%(f)s" not in web[web.index("--access-logformat") + 1]


# --- the API docs ------------------------------------------------------------------------------


def test_the_api_docs_page_loads_only_our_own_pinned_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn." not in page
    assert "https://" not in page
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert f"/static/ninja/{name}" in page
    assert "<script>" not in page  # no inline script for our CSP to block
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_the_patient_list_search_sends_names_by_post_and_pushes_nothing_to_history(
    client, clinician, patient, other_patient
):
    client.force_login(clinician)
    page = client.get("/clinic/patients/").content.decode()
    form = re.search(r'<form class="filters"[^>]*>', page).group(0)
    assert 'method="post"' in form
    assert "hx-push-url" not in form
    rows = client.post("/clinic/patients/", {"q": "Maria"}, HTTP_HX_REQUEST="true").content
    assert "Maria Alvarez" in rows.decode()
    assert "Other Patient" not in rows.decode()
    ignored = client.get("/clinic/patients/", {"q": "Maria"}, HTTP_HX_REQUEST="true").content
    assert "Other Patient" in ignored.decode()


def test_gunicorn_started_by_hand_from_the_project_reads_the_redacting_log_settings():
    import runpy
    from pathlib import Path

    from taperwell.core.access_log import ACCESS_LOG_FORMAT

    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert config["logger_class"] == "taperwell.core.access_log.RedactingLogger"
    assert config["access_log_format"] == ACCESS_LOG_FORMAT


def test_serve_on_a_database_not_set_up_says_what_to_run_and_starts_nothing(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "TAPERWELL_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # a new SQLite file in tmp_path, never the test database
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "taperwell.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "The database is not set up yet" in done.stderr
    assert "taperwell is running" not in done.stdout
