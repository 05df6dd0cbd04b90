"""A check-in post writes its audit row in the entry's own transaction (one write, one turn of
SQLite's write lock), and never goes unaudited: not when the form is refused, not when the
database refuses the entry."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from taperwell.audit.models import AuditAction, AuditEvent
from taperwell.checkins.models import CheckIn
from taperwell.checkins.services import checkin_submit, questionnaire_submit
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


def _refuse_new_rows(table: str, *, as_constraint: bool) -> None:
    """A trigger that makes the database itself refuse every new row of `table`. With
    `as_constraint` the driver reports it as an IntegrityError, as a broken constraint is;
    otherwise as an error of the database's own (on SQLite, a missing table). The test's
    transaction is rolled back afterwards, and the trigger with it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            code = " USING ERRCODE = 'check_violation'" if as_constraint else ""
            cursor.execute(
                f"CREATE FUNCTION refuse_{table}() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION 'refused'{code}; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION refuse_{table}()"
            )
        else:
            refusal = "RAISE(ABORT, 'refused')" if as_constraint else "* FROM refused_rows_table"
            cursor.execute(
                f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                f"BEGIN SELECT {refusal}; END"
            )


@pytest.fixture
def database_refuses_check_ins() -> None:
    _refuse_new_rows("checkins_checkin", as_constraint=False)


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


@pytest.fixture
def database_refuses_with_a_constraint_error() -> None:
    """Refused as a broken constraint is, though no other submission saved anything."""
    _refuse_new_rows("checkins_checkin", as_constraint=True)


def test_a_refused_entry_is_not_taken_for_a_raced_tap(
    patient, database_refuses_with_a_constraint_error
):
    """Only a second submission that really saved the day's entry makes a raced tap; any other
    refusal is raised as the database's own error, not read as someone else's entry."""
    with pytest.raises(IntegrityError):
        checkin_submit(patient=patient, idempotency_key=uuid.uuid4(), **_answers())
    assert not CheckIn.objects.filter(patient=patient).exists()


def test_a_refused_entry_still_leaves_its_audit_row_and_says_so(
    client, patient, database_refuses_with_a_constraint_error
):
    client.force_login(patient.user)
    client.raise_request_exception = False
    response = client.post("/checkin/", answers())
    assert response.status_code == 500
    assert not CheckIn.objects.filter(patient=patient).exists()
    assert _check_in_rows(patient) == [AuditAction.UPDATE]


def _answers():
    return {
        "pain": 5,
        "mood": 5,
        "withdrawal": 2,
        "craving": 1,
        "sleep": 6,
        "self_harm_thoughts": False,
    }


def test_refused_questionnaire_answers_are_not_taken_for_a_repeat(patient):
    _refuse_new_rows("checkins_questionnaireresponse", as_constraint=True)
    with pytest.raises(IntegrityError):
        questionnaire_submit(
            patient=patient, instrument="peg", answers=[5, 5, 5], idempotency_key=uuid.uuid4()
        )
