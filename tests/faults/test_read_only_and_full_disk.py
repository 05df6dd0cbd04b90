"""A read-only database or a full disk: the person sees a clear page, and nothing is half-saved.

Both databases: the suite runs this on SQLite and again on PostgreSQL (`.ci/run`). The fault is
made inside the database itself (read-only mode; a trigger that fails like a full disk when the
second row of a write is inserted), not by patching taperwell.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn

pytestmark = pytest.mark.django_db(transaction=True)
FLAG_TABLE = Flag._meta.db_table


def _checkin(self_harm: str = "yes") -> dict[str, object]:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "pain": 6,
        "sleep": 4,
        "mood": 3,
        "withdrawal": 2,
        "craving": 1,
        "prn_doses": 0,
        "self_harm": self_harm,
        "overdose": "no",
        "naloxone_used": "no",
        "not_prescribed_opioids": "no",
        "note": "",
        "activity_text": "",
    }


@pytest.fixture
def signed_in(patient):
    client = Client(raise_request_exception=False)
    client.force_login(patient.user)
    return client


def _assert_calm_503(response) -> None:
    page = response.content.decode()
    assert response.status_code == 503, page[:500]
    assert "open or save records just now" in page
    assert 'href="tel:988"' in page  # crisis help, even when nothing can be saved
    assert "Traceback" not in page


@pytest.fixture
def read_only():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET default_transaction_read_only = on")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = OFF")
        else:
            cursor.execute("SET default_transaction_read_only = off")


@pytest.fixture
def disk_fills_at_the_flag():
    """The next urgent flag cannot be written, as when the disk fills up mid-request."""
    if connection.vendor == "sqlite":

        def disk_full() -> None:
            raise OSError("database or disk is full")

        connection.ensure_connection()
        connection.connection.create_function("taperwell_disk_full", 0, disk_full)
        create = (
            f"CREATE TEMP TRIGGER disk_full BEFORE INSERT ON {FLAG_TABLE} "
            "BEGIN SELECT taperwell_disk_full(); END"
        )
        drop = "DROP TRIGGER IF EXISTS temp.disk_full"
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION taperwell_disk_full() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file: No space left on device' "
                "USING ERRCODE = 'disk_full'; END $$ LANGUAGE plpgsql"
            )
        create = (
            f"CREATE TRIGGER disk_full BEFORE INSERT ON {FLAG_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION taperwell_disk_full()"
        )
        drop = f"DROP TRIGGER IF EXISTS disk_full ON {FLAG_TABLE}"
    with connection.cursor() as cursor:
        cursor.execute(create)
    yield
    with connection.cursor() as cursor:
        cursor.execute(drop)


def test_a_read_only_database_shows_a_clear_page_and_saves_nothing(signed_in, patient, read_only):
    response = signed_in.post("/checkin/", _checkin())
    _assert_calm_503(response)


def test_after_a_read_only_spell_nothing_was_half_written(signed_in, patient, read_only):
    signed_in.post("/checkin/", _checkin())
    with connection.cursor() as cursor:  # back to normal for the look
        cursor.execute(
            "PRAGMA query_only = OFF"
            if connection.vendor == "sqlite"
            else "SET default_transaction_read_only = off"
        )
    assert not CheckIn.objects.filter(patient=patient).exists()
    assert not Flag.objects.filter(patient=patient).exists()


def test_crisis_help_still_opens_while_the_database_is_read_only(read_only):
    response = Client().get("/crisis/")
    assert response.status_code == 200
    assert 'href="tel:988"' in response.content.decode()


def test_a_full_disk_between_the_check_in_and_its_urgent_flag_keeps_neither(
    signed_in, patient, disk_fills_at_the_flag
):
    response = signed_in.post("/checkin/", _checkin(self_harm="yes"))

    _assert_calm_503(response)
    assert not CheckIn.objects.filter(patient=patient).exists()  # the first row rolled back too
    assert not Flag.objects.filter(patient=patient).exists()


def test_once_there_is_room_again_the_same_check_in_saves_with_its_flag(
    signed_in, patient, disk_fills_at_the_flag
):
    answers = _checkin(self_harm="yes")
    _assert_calm_503(signed_in.post("/checkin/", answers))
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER IF EXISTS temp.disk_full"
            if connection.vendor == "sqlite"
            else f"DROP TRIGGER IF EXISTS disk_full ON {FLAG_TABLE}"
        )

    response = signed_in.post("/checkin/", answers)  # the person sends it again

    assert response.status_code == 302
    assert response["Location"] == "/help-now/"
    assert CheckIn.objects.filter(patient=patient).count() == 1
    assert Flag.objects.filter(patient=patient, severity="urgent").count() == 1
