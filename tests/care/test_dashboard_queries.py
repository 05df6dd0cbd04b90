"""The triage dashboard answers with the same number of queries for 5 or 500 patients."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn
from taperwell.medications.models import PatientMedication
from taperwell.patients.models import Patient
from taperwell.tapering.models import TaperPlan
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = (
    13  # session, user, membership, audit-free list: count, page, 3 prefetches, notices
)


def _panel(clinic, clinician, size: int, *, days: int) -> None:
    from taperwell.tapering.engine import schedule_json

    schedule = schedule_json(ten_percent_inputs(date(2026, 1, 5)), [])
    start = len(Patient.objects.all())
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, full_name=f"Patient {start + n:04d}", status="active")
        for n in range(size)
    )
    today = date.today()  # noqa: DTZ011 - only the shape of the data matters
    CheckIn.objects.bulk_create(
        (
            CheckIn(
                patient=p,
                day=today - timedelta(days=d),
                pain=5,
                sleep=5,
                mood=5,
                withdrawal=2,
                craving=1,
            )
            for p in patients
            for d in range(days)
        ),
        batch_size=5000,
    )
    Flag.objects.bulk_create(
        Flag(
            patient=p,
            rule="pain-worse",
            severity="moderate",
            rank=2,
            reason="pain up",
            day=today,
            source="bump-rules",
        )
        for p in patients[::3]
    )
    PatientMedication.objects.bulk_create(
        PatientMedication(
            patient=p,
            drug="oxycodone",
            form="tablet",
            release="ER",
            strength=30,
            unit="mg",
            times=["08:00", "20:00"],
        )
        for p in patients
    )
    TaperPlan.objects.bulk_create(
        TaperPlan(patient=p, status="approved", schedule=schedule) for p in patients[::2]
    )


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("care:dashboard"), {"scope": "all"})
    assert response.status_code == 200
    # Session upkeep and the audit trail belong to the request, not to the page's data.
    return len(
        [
            q
            for q in queries.captured_queries
            if "django_session" not in q["sql"] and "audit_" not in q["sql"]
        ]
    )


def test_the_dashboard_query_count_does_not_grow_with_the_panel(client, clinic, clinician, patient):
    oxycodone_er(patient, clinician)
    client.force_login(clinician)
    _panel(clinic, clinician, 5, days=30)
    _count(client)  # the first request also checks the second factor once per session
    small = _count(client)
    _panel(clinic, clinician, 495, days=365)
    assert Patient.objects.count() == 501
    large = _count(client)
    assert large == small
    assert large <= DASHBOARD_QUERIES
