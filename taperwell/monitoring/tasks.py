"""The daily sweep: a low flag in triage for each monitoring item that is overdue."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


def sweep_monitoring_now() -> int:
    from taperwell.monitoring.selectors import monitoring_due
    from taperwell.monitoring.services import monitoring_flags_raise
    from taperwell.patients.models import Patient
    from taperwell.tapering.services import local_today

    raised = 0
    patients = Patient.objects.taking_part().select_related("clinic")
    for patient in patients.iterator(chunk_size=500):
        try:
            items = monitoring_due(patient, today=local_today(patient.clinic))
            raised += len(monitoring_flags_raise(patient=patient, items=items))
        except Exception:
            log.exception("monitoring sweep failed for patient %s", patient.pk)
    return raised


# Computed from the records each time, so a worker that was down catches up on its next run.
@db_periodic_task(crontab(minute="40", hour="*/6"))
def sweep_monitoring() -> int:
    return sweep_monitoring_now()
