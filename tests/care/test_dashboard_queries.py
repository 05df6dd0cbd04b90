"""The triage dashboard answers with the same number of queries for 5 or 500 patients."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taperwell.demo.panel import panel_bulk_create
from taperwell.patients.models import Patient
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = (
    13  # session, user, membership, audit-free list: count, page, 3 prefetches, notices
)


def _panel(clinic, size: int, *, days: int) -> None:
    from taperwell.tapering.engine import schedule_json

    panel_bulk_create(
        clinic=clinic,
        size=size,
        days=days,
        today=date.today(),  # noqa: DTZ011 - only the shape of the data matters
        schedule=schedule_json(ten_percent_inputs(date(2026, 1, 5)), []),
        first_number=Patient.objects.count(),
        flag_every=3,
    )


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("care:dashboard"), {"scope": "all"})
    assert response.status_code == 200
    # Session upkeep (a touch once a minute, in a savepoint) and the audit trail belong to the
    # request, not to the page's data.
    return len(
        [
            q
            for q in queries.captured_queries
            if "django_session" not in q["sql"]
            and "audit_" not in q["sql"]
            and "SAVEPOINT" not in q["sql"]
        ]
    )


def test_the_dashboard_query_count_does_not_grow_with_the_panel(client, clinic, clinician, patient):
    oxycodone_er(patient, clinician)
    client.force_login(clinician)
    _panel(clinic, 5, days=30)
    _count(client)  # the first request also checks the second factor once per session
    small = _count(client)
    _panel(clinic, 495, days=365)
    assert Patient.objects.count() == 501
    # Building 495 patients can outlast the session's once-a-minute touch on a busy machine; the
    # touch (a session save in a savepoint) is request upkeep, so let it happen before measuring.
    _count(client)
    large = _count(client)
    assert large == small
    assert large <= DASHBOARD_QUERIES
