"""The project holds together: migrations, the demo clinic, health check, command line."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from taperwell.accounts.models import User
from taperwell.audit.models import AuditEvent
from taperwell.clinics.models import Clinic, Membership
from taperwell.demo.services import demo_load
from taperwell.enrolment.models import Consent, Invitation
from taperwell.env import database_from_url
from taperwell.patients.models import CareTeamMember, Patient


def test_no_model_change_is_missing_a_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _counts():
    return [
        model.objects.count()
        for model in (Clinic, User, Membership, Patient, CareTeamMember, Consent, Invitation)
    ]


def test_loading_the_demo_twice_changes_nothing(db):
    demo_load()
    first = _counts()
    demo_load()
    assert _counts() == first
    assert (
        User.objects.filter(email__in=["maria@example.org", "clinician@example.org"]).count() == 2
    )
    assert Patient.objects.filter(user__isnull=False).count() >= 6
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"patient", "clinician", "bh_clinician", "staff", "admin"}


def test_demo_people_sign_in_with_the_published_password(client, db):
    demo_load()
    response = client.post(
        "/accounts/login/", {"login": "maria@example.org", "password": "taperwell-demo"}
    )
    assert response.status_code == 302
    assert client.get("/today/").status_code == 200


def test_the_health_check_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}


def test_the_health_check_reports_a_broken_database(client, db, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise ConnectionError("database is gone")

    with monkeypatch.context() as patched:
        patched.setattr(CursorWrapper, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_every_patient_page_shows_crisis_help(client, patient):
    client.force_login(patient.user)
    for url in ("/today/", "/crisis/"):
        page = client.get(url).content.decode()
        assert 'href="tel:988"' in page


def test_the_crisis_line_uses_the_clinics_own_wording(client, patient):
    clinic = patient.clinic
    clinic.crisis_line_number = "1-800-555-0199"
    clinic.crisis_line_text = "Our nurse line is open day and night."
    clinic.save()
    client.force_login(patient.user)
    page = client.get("/crisis/").content.decode()
    assert 'href="tel:1-800-555-0199"' in page
    assert "Our nurse line is open day and night." in page


def test_the_command_line_entry_point_answers_help():
    exe = Path(sys.executable).parent / "taperwell"
    result = subprocess.run(  # noqa: S603 - our own entry point
        [str(exe), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "usage: taperwell" in result.stdout


def test_database_urls_become_django_settings(tmp_path):
    sqlite = database_from_url("", sqlite_default=tmp_path / "db.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    assert sqlite["CONN_MAX_AGE"] == 60  # the file stays open between requests
    pg = database_from_url(
        "postgres://me:p%40ss@db.internal:5433/clinic", sqlite_default=tmp_path / "x"
    )
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "clinic",
        "me",
        "p@ss",
        "db.internal",
        "5433",
    )
    assert pg["CONN_MAX_AGE"] == 60
    pooled = database_from_url("postgresql://me@h/c?pool=true", sqlite_default=tmp_path / "x")
    assert pooled["OPTIONS"]["pool"] is True
    assert pooled["CONN_MAX_AGE"] == 0


def test_no_audit_row_is_written_by_public_pages(client, db):
    client.get("/crisis/")
    client.get("/healthz")
    assert AuditEvent.objects.count() == 0
