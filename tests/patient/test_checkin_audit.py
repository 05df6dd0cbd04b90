"""A check-in post writes its audit row in the entry's own transaction (one write, one turn of
SQLite's write lock), and never goes unaudited: not when the form is refused, not when the
database refuses the entry."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taperwell.audit.models import AuditAction, AuditEvent
from taperwell.checkins.models import CheckIn
from tests.patient.test_checkin import answers

pytestmark = pytest.mark.django_db


def _check_in_rows(patient):
    return list(
        AuditEvent.objects.filter(patient=patient, what="check-in").values_list("action", flat=True)
    )


def test_the_audit_row_is_written_inside_the_entrys_transaction(client, patient):
    client.force_login(patient.user)
    with CaptureQueriesContext(connection) as seen:
        response = client.post("/checkin/", answers())
    assert response.status_code == 302
    statements = [q["sql"] for q in seen.captured_queries]
    # In a test the entry's transaction is a savepoint inside the test's own.
    opened = next(i for i, sql in enumerate(statements) if sql.startswith("SAVEPOINT"))
    closed = next(i for i, sql in enumerate(statements) if sql.startswith("RELEASE SAVEPOINT"))
    written = [i for i, sql in enumerate(statements) if 'INTO "audit_auditevent"' in sql]
    entry = [i for i, sql in enumerate(statements) if 'INTO "checkins_checkin"' in sql]
    assert len(written) == 1
    assert len(entry) == 1
    assert opened < written[0] < closed
    assert opened < entry[0] < closed
    assert _check_in_rows(patient) == [AuditAction.UPDATE]


def test_a_refused_form_still_writes_its_audit_row(client, patient):
    client.force_login(patient.user)
    response = client.post("/checkin/", answers(pain="eleven"))
    assert response.status_code == 200
    assert not CheckIn.objects.filter(patient=patient).exists()
    assert _check_in_rows(patient) == [AuditAction.UPDATE]


@pytest.fixture
def database_refuses_check_ins() -> None:
    """A trigger that makes the database itself refuse every new check-in row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_checkin() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_checkin BEFORE INSERT ON checkins_checkin "
                "FOR EACH ROW EXECUTE FUNCTION refuse_checkin()"
            )
        else:
            # RAISE() would read as a broken constraint (a raced tap); a missing table is an
            # error of the database's own.
            cursor.execute(
                "CREATE TRIGGER refuse_checkin BEFORE INSERT ON checkins_checkin "
                "BEGIN SELECT * FROM refused_checkin_table; END"
            )
    # The test's transaction is rolled back afterwards, and the trigger with it.


def test_an_entry_the_database_refuses_still_leaves_its_audit_row(
    client, patient, database_refuses_check_ins
):
    client.force_login(patient.user)
    client.raise_request_exception = False
    response = client.post("/checkin/", answers())
    # SQLite's error is "the database is unavailable" (503, DatabaseUnavailableMiddleware);
    # PostgreSQL's raised exception is a server error (500).
    assert response.status_code in {500, 503}
    assert not CheckIn.objects.filter(patient=patient).exists()
    assert _check_in_rows(patient) == [AuditAction.UPDATE]
