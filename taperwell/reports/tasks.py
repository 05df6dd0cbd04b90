"""Background jobs: building a patient's export, and removing expired export files."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from taperwell.reports.models import ExportStatus, PatientExport


@db_task()
def build_patient_export(export_id: int) -> None:
    from taperwell.reports.patient_export import export_build

    # Claim the row, so two workers never build the same export.
    claimed = PatientExport.objects.filter(
        pk=export_id, status=ExportStatus.PENDING, finished_at__isnull=True
    ).update(finished_at=timezone.now())
    if claimed:
        export_build(PatientExport.objects.select_related("patient__clinic").get(pk=export_id))


@db_periodic_task(crontab(minute="17"))
def expire_patient_exports() -> None:
    """Delete the files whose links have expired (computed from state, so a late run catches up)."""
    for export in PatientExport.objects.filter(
        status=ExportStatus.READY, expires_at__lt=timezone.now()
    ):
        export.file.delete(save=False)
        export.status = ExportStatus.EXPIRED
        export.save(update_fields=["file", "status"])
