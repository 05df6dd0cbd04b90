"""Personas shared by every test: a patient, their clinician, and people who must not see them."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server with sync Playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


class _Lazy:
    """Django models load only when a fixture is used, so the pure clinical tests need no Django."""

    def __getattr__(self, name):
        from tests import factories as module

        return getattr(module, name)


factories = _Lazy()


class Role:
    PATIENT, CLINICIAN, BEHAVIOURAL_HEALTH, STAFF, ADMIN = (
        "patient",
        "clinician",
        "bh_clinician",
        "staff",
        "admin",
    )


@pytest.fixture
def clinic(db):
    return factories.make_clinic(phone="(555) 000-1111")


@pytest.fixture
def other_clinic(db):
    return factories.make_clinic("Hillside Pain Centre")


@pytest.fixture
def clinician(clinic):
    return factories.make_staff(clinic, Role.CLINICIAN, email="clinician@test.example")


@pytest.fixture
def counsellor(clinic):
    return factories.make_staff(clinic, Role.BEHAVIOURAL_HEALTH, full_name="Sam Counsellor")


@pytest.fixture
def front_desk(clinic):
    return factories.make_staff(clinic, Role.STAFF, full_name="Casey Desk")


@pytest.fixture
def clinic_admin(clinic):
    return factories.make_staff(clinic, Role.ADMIN, full_name="Alex Admin")


@pytest.fixture
def patient(clinic, clinician):
    return factories.make_patient(
        clinic, clinician=clinician, email="maria@test.example", full_name="Maria Alvarez"
    )


@pytest.fixture
def other_patient(clinic):
    return factories.make_patient(clinic, full_name="Other Patient")


@pytest.fixture
def stranger_clinician(other_clinic):
    """A clinician of another clinic: must see nothing of ours."""
    return factories.make_staff(other_clinic, Role.CLINICIAN, full_name="Dr. Elsewhere")


@pytest.fixture
def stranger_patient(other_clinic):
    return factories.make_patient(other_clinic, full_name="Someone Elsewhere")


@pytest.fixture
def ladder_people(patient, clinician, counsellor, front_desk, clinic_admin):
    """Everyone a permission-ladder test signs in as, by persona name (tests/ladder.py)."""
    return {
        "patient": patient.user,
        "clinician": clinician,
        "counsellor": counsellor,
        "front_desk": front_desk,
        "clinic_admin": clinic_admin,
    }


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    """A request in Spanish leaves Spanish active in this thread (the middleware activates a
    language and nothing resets it between tests): each test starts in the site's language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a finished sign-in, so for someone who has an
    authenticator it also records the code step, as allauth does when the code is typed.

    Tests of sessions that skipped the code sign in another way (`client.login`, or a post to
    a sign-in form).
    """
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from tests.factories import record_second_factor

        record_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(scope="session", autouse=True)
def _flush_steps_around_the_audit_triggers():
    """Between transactional tests the test database is emptied with DELETE on SQLite, which
    the audit rows' triggers refuse (PostgreSQL empties it with TRUNCATE, which they allow):
    the flush lifts them for its own statements and puts them back."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    # The backend module first: importing its operations module alone is a circular import.
    from django.db.backends.sqlite3 import base  # noqa: F401
    from django.db.backends.sqlite3.operations import DatabaseOperations

    from taperwell.audit.db import SQLITE_CREATE_TRIGGERS, SQLITE_DROP_TRIGGERS

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if "audit_auditevent" not in tables:
            return statements
        return [*SQLITE_DROP_TRIGGERS, *statements, *SQLITE_CREATE_TRIGGERS]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    """The demo clinic, loaded as `make run` loads it (its on-commit jobs run)."""
    from taperwell.demo.services import demo_load

    with django_capture_on_commit_callbacks(execute=True):
        return demo_load()
