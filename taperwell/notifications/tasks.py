"""Background jobs: the reminder sweep, every minute, once at worker start (catch-up), and on
demand for one patient (a new message)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from taperwell.notifications.reminders import send_due_reminders_now

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def sweep_reminders() -> dict[str, int]:
    return send_due_reminders_now()


@db_task()
def send_due_reminders_for(patient_id: int) -> dict[str, int]:
    return send_due_reminders_now(patient_ids=[patient_id])


@HUEY.on_startup()
def catch_up_after_a_break() -> None:
    """A worker that was down sends what is still useful as soon as it is back."""
    from django.db import close_old_connections

    close_old_connections()
    counts = send_due_reminders_now()
    close_old_connections()
    log.info("catch-up sweep finished: %s", counts)
