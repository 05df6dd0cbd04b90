"""Reports read from a PostgreSQL read replica when one is configured (DATABASE_REPLICA_URL).

Only code wrapped in `reporting_reads()` reads from the replica: clinic outcomes and the research
export, which read a lot, change nothing and can be a few seconds behind. Everything else, and
every write, uses the primary. Without a replica, everything uses the primary.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db.models import Model

REPLICA = "replica"
_reporting: ContextVar[bool] = ContextVar("taperwell_reporting_reads", default=False)


def reporting_db() -> str:
    """The database alias for report reads: the replica if configured, else the primary."""
    return REPLICA if REPLICA in settings.DATABASES else "default"


@contextlib.contextmanager
def reporting_reads() -> Iterator[str]:
    token = _reporting.set(True)
    try:
        yield reporting_db()
    finally:
        _reporting.reset(token)


class ReportingRouter:
    """Reads inside `reporting_reads()` go to the replica; writes and migrations to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return reporting_db() if _reporting.get() else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
