"""A worker killed in the middle of building a patient's export: the sweep builds it again, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from taperwell.reports.models import ExportStatus, PatientExport
from taperwell.reports.tasks import resume_stale_exports_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _export(patient, *, claimed_minutes_ago=None, created_minutes_ago=0):
    export = PatientExport.objects.create(patient=patient, requested_by=patient.user)
    claimed = (
        timezone.now() - timedelta(minutes=claimed_minutes_ago)
        if claimed_minutes_ago is not None
        else None
    )
    PatientExport.objects.filter(pk=export.pk).update(
        finished_at=claimed, created_at=timezone.now() - timedelta(minutes=created_minutes_ago)
    )
    return export


def test_an_export_whose_worker_died_mid_build_is_built_once_by_the_sweep(patient, media):
    # What a worker killed with `kill -9` during the build leaves: claimed, still pending.
    export = _export(patient, claimed_minutes_ago=30, created_minutes_ago=31)

    assert resume_stale_exports_now() == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert export.file.name
    files = list((media / "exports").iterdir())
    assert len(files) == 1

    assert resume_stale_exports_now() == 0  # the effect happens once
    assert len(list((media / "exports").iterdir())) == 1


def test_a_build_still_running_is_left_alone(patient, media):
    export = _export(patient, claimed_minutes_ago=1, created_minutes_ago=2)
    assert resume_stale_exports_now() == 0
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING


def test_an_export_queued_while_the_worker_was_down_is_built_when_it_returns(patient, media):
    export = _export(patient, created_minutes_ago=15)
    assert resume_stale_exports_now() == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert resume_stale_exports_now() == 0
