"""Background jobs: building a patient's export, and removing expired export files.

huey takes a job off its queue when a worker starts it, so a worker killed mid-build loses the job
and leaves the export claimed but unfinished. A sweep rebuilds such exports from state, every five
minutes and whenever a worker starts.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from taperwell.reports.models import ExportStatus, PatientExport


@db_task()
def build_patient_export(export_id: int) -> None:
    from taperwell.reports.patient_export import export_build

    # Claim the row, so two workers never build the same export.
    claimed = PatientExport.objects.filter(
        pk=export_id, status=ExportStatus.PENDING, finished_at__isnull=True
    ).update(finished_at=timezone.now())
    if not claimed:
        return
    export = export_build(
        PatientExport.objects.select_related("patient__clinic", "patient__user").get(pk=export_id)
    )
    if export.status == ExportStatus.READY:
        from taperwell.notifications.services import notice_export_ready

        notice_export_ready(patient=export.patient, export_id=str(export.public_id))


@db_periodic_task(crontab(minute="17"))
def expire_patient_exports() -> None:
    """Delete the files whose links have expired (computed from state, so a late run catches up)."""
    for export in PatientExport.objects.filter(
        status=ExportStatus.READY, expires_at__lt=timezone.now()
    ):
        export.file.delete(save=False)
        export.status = ExportStatus.EXPIRED
        export.save(update_fields=["file", "status"])


# A request whose job never started (the worker was down when it was queued).
NEVER_STARTED = timedelta(minutes=2)


def stale_claim() -> timedelta:
    """A build takes seconds; one claimed longer ago than this died with its worker. It must stay
    well above the longest build, or a sweep would start a second build beside a live one.
    EXPORT_STALE_CLAIM_MINUTES (default 10) lets the worker tests wait seconds, not minutes."""
    return timedelta(minutes=getattr(settings, "EXPORT_STALE_CLAIM_MINUTES", 10))


def resume_stale_exports_now() -> int:
    now = timezone.now()
    claimed_before = now - stale_claim()
    stale = PatientExport.objects.filter(
        status=ExportStatus.PENDING, finished_at__lt=claimed_before
    )
    # Release each dead claim once (conditional update), then build it again.
    resumed = 0
    for export_id in list(stale.values_list("pk", flat=True)):
        released = PatientExport.objects.filter(
            pk=export_id, status=ExportStatus.PENDING, finished_at__lt=claimed_before
        ).update(finished_at=None)
        if released:
            build_patient_export(export_id)
            resumed += 1
    waiting = PatientExport.objects.filter(
        status=ExportStatus.PENDING,
        finished_at__isnull=True,
        created_at__lt=now - NEVER_STARTED,
    ).values_list("pk", flat=True)
    for export_id in list(waiting):
        build_patient_export(export_id)  # the claim inside the job keeps it to one build
        resumed += 1
    return resumed


@db_periodic_task(crontab(minute="*/5"))
def resume_stale_exports() -> int:
    return resume_stale_exports_now()


@HUEY.on_startup()
def resume_exports_after_a_break() -> None:
    """A worker that starts, perhaps in place of one that was killed, finishes what was left."""
    close_old_connections()
    resume_stale_exports_now()
    close_old_connections()
