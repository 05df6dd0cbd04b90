"""Reports read from the read replica when one is configured; everything else from the primary."""

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from taperwell.care.outcomes import clinic_outcomes
from taperwell.core.db import REPLICA, ReportingRouter, reporting_db, reporting_reads
from taperwell.patients.models import Patient
from taperwell.tapering.services import local_today


def _databases_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import taperwell.settings as s; d = s.DATABASES.get('replica'); "
            "print(sorted(s.DATABASES), d and d['HOST'], d and d['PORT'], d and d['TEST'])",
        ],
        env={**os.environ, "DATABASE_URL": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def databases(monkeypatch, *aliases):
    from taperwell.core import db

    monkeypatch.setattr(db, "settings", SimpleNamespace(DATABASES={key: {} for key in aliases}))


def test_without_a_replica_reports_read_from_the_primary(monkeypatch):
    databases(monkeypatch, "default")
    assert reporting_db() == "default"
    with reporting_reads() as alias:
        assert alias == "default"
        assert ReportingRouter().db_for_read(Patient) == "default"


def test_with_a_replica_only_reads_inside_reporting_reads_go_to_it(monkeypatch):
    databases(monkeypatch, "default", REPLICA)
    router = ReportingRouter()
    assert router.db_for_read(Patient) is None  # the primary
    with reporting_reads() as alias:
        assert alias == REPLICA
        assert router.db_for_read(Patient) == REPLICA
        assert router.db_for_write(Patient) == "default"
    assert router.db_for_read(Patient) is None
    assert router.allow_migrate(REPLICA, "patients") is False
    assert router.allow_migrate("default", "patients") is True


def test_the_replica_url_becomes_a_second_database_mirrored_in_tests():
    result = _databases_in_a_fresh_process(
        DATABASE_REPLICA_URL="postgres://reader@10.0.0.2:5433/taperwell"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1)[0] == "['default',"
    assert "'replica']" in result.stdout
    assert "10.0.0.2 5433 {'MIRROR': 'default'}" in result.stdout


def test_a_replica_url_that_is_not_postgres_stops_the_start():
    result = _databases_in_a_fresh_process(DATABASE_REPLICA_URL="sqlite:///tmp/x.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must be a postgres:// address" in result.stderr


@pytest.mark.django_db
def test_clinic_outcomes_inside_reporting_reads_use_the_reporting_connection(clinic, patient):
    alias = reporting_db()
    with CaptureQueriesContext(connections[alias]) as queries, reporting_reads():
        clinic_outcomes(clinic, today=local_today(clinic), days=90)
    assert len(queries) > 0


@pytest.mark.django_db
def test_the_outcomes_page_and_research_export_still_work(client, clinic, clinician, clinic_admin):
    from taperwell.reports.services import research_consent_record
    from tests import factories

    for _ in range(11):  # the research export's minimum
        research_consent_record(patient=factories.make_patient(clinic), given=True)
    client.force_login(clinician)
    assert client.get("/clinic/outcomes/").status_code == 200
    client.force_login(clinic_admin)
    response = client.get("/clinic/research/export.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
