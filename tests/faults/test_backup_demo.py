"""The demo clinic survives a backup and a restore exactly, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.core.management import call_command

from taperwell.checkins.models import CheckIn
from taperwell.demo.services import demo_load
from taperwell.patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _fingerprint() -> dict[str, tuple[int, str]]:
    """Every table of taperwell's own apps: its row count and a digest of every value."""
    tables = {}
    for model in apps.get_models():
        if not model.__module__.startswith("taperwell.") or not model._meta.managed:
            continue
        rows = list(model.objects.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        tables[model._meta.label] = (len(rows), digest)
    return tables


def test_the_demo_clinic_comes_back_exactly_after_a_backup_and_restore(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load()
    before = _fingerprint()
    assert before["checkins.CheckIn"][0] > 100  # a real clinic's worth of data, not an empty one
    assert before["patients.Patient"][0] >= 3

    call_command("backup", str(tmp_path / "backup"))

    clinic = Patient.objects.first().clinic
    factories.make_patient(clinic, full_name="Added After The Backup")
    CheckIn.objects.update(pain=10)
    Patient.objects.update(preferred_name="changed")
    assert _fingerprint() != before

    call_command("restore", str(tmp_path / "backup"), "--yes")

    after = _fingerprint()
    changed = sorted(name for name in before if before[name] != after.get(name))
    assert not changed, f"tables not restored exactly: {changed}"
