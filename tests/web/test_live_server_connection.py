"""The browser tests' server and the test itself read and write one database as gunicorn's
workers do: each on its own connection, none waiting for another's read to end."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from taperwell.clinics.models import Clinic
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_read_under_way_on_another_thread_does_not_stop_the_tests_write():
    """As a page the browser is still loading reads while the test writes. On Django's in-memory
    SQLite (one shared cache), the write failed ("SQL statements in progress", or a locked
    table); on a file in WAL mode, readers never stop a writer."""
    factories.make_clinic("Riverside Pain Clinic")
    factories.make_clinic("Hillside Pain Centre")
    reading, finish, failed = threading.Event(), threading.Event(), []

    def read_slowly():
        try:
            with connections["default"].cursor() as cursor:  # this thread's own connection
                cursor.execute("SELECT id FROM clinics_clinic ORDER BY id")
                cursor.fetchone()  # the read is under way: more rows wait
                reading.set()
                finish.wait(10)
        except Exception as error:  # reported to the test thread
            failed.append(error)
            reading.set()
        finally:
            connections["default"].close()

    reader = threading.Thread(target=read_slowly)
    reader.start()
    try:
        assert reading.wait(10)
        with transaction.atomic():
            factories.make_clinic("Lakeside Pain Clinic")
    finally:
        finish.set()
        reader.join(10)
    assert not failed

    assert Clinic.objects.filter(name="Lakeside Pain Clinic").exists()
