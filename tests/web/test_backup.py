"""A backup restores exactly what was there when it was made, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from taperwell.audit.models import AuditEvent
from taperwell.patients.models import Patient
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_a_backup_round_trip_brings_back_exactly_what_was_saved(tmp_path, settings, client):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "attachments").mkdir(parents=True)
    (tmp_path / "media" / "attachments" / "scan.pdf").write_bytes(b"%PDF-1.4 a letter")
    clinic = factories.make_clinic()
    clinician = factories.make_staff(clinic, "clinician")
    kept = factories.make_patient(clinic, full_name="Kept Patient")
    client.force_login(clinician)
    client.get(f"/clinic/patients/{kept.public_id}/")
    audit_before = list(AuditEvent.objects.values_list("id", "what"))

    call_command("backup", str(tmp_path / "backup"))

    factories.make_patient(clinic, full_name="Added After Backup")
    kept.full_name = "Renamed After Backup"
    kept.save()
    (tmp_path / "media" / "attachments" / "scan.pdf").write_bytes(b"changed")

    call_command("restore", str(tmp_path / "backup"), "--yes")

    names = set(Patient.objects.values_list("full_name", flat=True))
    assert names == {"Kept Patient"}
    assert list(AuditEvent.objects.values_list("id", "what")) == audit_before
    assert (tmp_path / "media" / "attachments" / "scan.pdf").read_bytes() == b"%PDF-1.4 a letter"


def test_restoring_a_folder_that_is_not_a_backup_says_so(tmp_path, db):
    with pytest.raises(CommandError, match="not a taperwell backup"):
        call_command("restore", str(tmp_path), "--yes")
