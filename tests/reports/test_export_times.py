"""Times in exports are the clinic's, with the offset: "2030-01-02T17:30:00-05:00", not bare UTC."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

from taperwell.audit.models import AuditEvent
from taperwell.checkins.models import CheckIn
from taperwell.reports.patient_export import export_zip

LATE = dt.datetime(2030, 1, 2, 22, 30, tzinfo=dt.UTC)  # 5:30 PM in New York, in winter


def test_the_patients_export_gives_check_in_times_in_the_clinics_zone_with_the_offset(patient):
    assert patient.clinic.time_zone == "America/New_York"
    checkin = CheckIn.objects.create(
        patient=patient, day=dt.date(2030, 1, 2), pain=5, sleep=5, mood=5, withdrawal=1, craving=1
    )
    CheckIn.objects.filter(pk=checkin.pk).update(submitted_at=LATE)
    archive = zipfile.ZipFile(io.BytesIO(export_zip(patient)))
    rows = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode())))
    assert [row["submitted_at"] for row in rows] == ["2030-01-02T17:30:00-05:00"]


def test_the_clinics_audit_csv_gives_times_in_the_clinics_zone_with_the_offset(
    client, clinic_admin, clinician, patient
):
    client.force_login(clinician)
    client.get(f"/clinic/patients/{patient.public_id}/")
    client.force_login(clinic_admin)
    body = b"".join(client.get("/clinic/audit/export.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows
    new_york = ZoneInfo("America/New_York")
    for row in rows:
        at = dt.datetime.fromisoformat(row["at"])
        assert at.utcoffset() == at.astimezone(new_york).utcoffset() != dt.timedelta(0), row["at"]
        # the same moment as a row in the log, given to the second, in the clinic's time
        assert at in {e.at.replace(microsecond=0) for e in AuditEvent.objects.all()}
