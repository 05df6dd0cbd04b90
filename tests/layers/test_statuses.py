"""Statuses and kinds are compared through their TextChoices, and "taking part" is one query."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from taperwell.patients.models import Patient, PatientStatus
from tests import factories

ROOT = Path(__file__).resolve().parents[2] / "taperwell"
# `status == "active"`, `status="current"`, `kind="pause"`, `status__in=["..."`
BARE = re.compile(r'status (==|!=) "|(status|kind)="[a-z_-]+"|status__in=\[?\(?"')


def test_no_app_compares_a_status_or_kind_with_a_bare_string():
    found = [
        f"{path.relative_to(ROOT.parent)}:{number}"
        for path in ROOT.rglob("*.py")
        # The clinical core has no Django (no TextChoices); migrations and the database
        # constraints they mirror keep the stored values.
        if "clinical" not in path.parts and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE.search(line) and "models.Q(" not in line
    ]
    assert found == []


@pytest.mark.django_db
def test_taking_part_means_active_or_in_maintenance(clinic):
    statuses = {
        PatientStatus.ACTIVE: factories.make_patient(clinic, full_name="Ann Active"),
        PatientStatus.MAINTENANCE: factories.make_patient(clinic, full_name="Mo Maintenance"),
        PatientStatus.INVITED: factories.make_patient(clinic, full_name="Ivy Invited"),
        PatientStatus.LEFT: factories.make_patient(clinic, full_name="Len Left"),
    }
    for status, patient in statuses.items():
        Patient.objects.filter(pk=patient.pk).update(status=status)
    taking_part = set(Patient.objects.taking_part().values_list("full_name", flat=True))
    assert taking_part == {"Ann Active", "Mo Maintenance"}
