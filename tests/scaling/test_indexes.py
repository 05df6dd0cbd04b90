"""The dashboard's per-patient lookups use per-patient indexes, so its cost stays flat as the
clinic grows (a lookup through the clinic-wide status index made 5,000 patients take seconds)."""

import pytest
from django.db import connection

from taperwell.care.dashboard import Filters, triage_queryset
from taperwell.tapering.services import local_today

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL: make bench-scale"
)
def test_the_triage_subqueries_look_flags_up_by_patient(clinician, clinic, patient):
    patients = triage_queryset(clinician, Filters(mine=True), today=local_today(clinic))[:50]
    sql, params = patients.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cursor.fetchall()]
    flag_steps = [step for step in plan if "care_flag" in step]
    assert len(flag_steps) == 3, plan
    assert all("patient_id=? AND status=?" in s for s in flag_steps), plan
