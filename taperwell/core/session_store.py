"""Django's database sessions, with the session row read by a prepared query.

The session is read on every signed-in request; building that one `get()` costs the ORM more
than the database takes to answer it. Reads and writes are otherwise Django's own.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.utils import timezone

from taperwell.core.prepared import Prepared


def _session_query(key: str, now: datetime) -> QuerySet[Session, Any]:
    return Session.objects.filter(session_key=key, expire_date__gt=now).values("session_data")


_SESSION_DATA: Prepared[dict[str, Any]] = Prepared(_session_query, key=str, now=datetime)


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        if self.session_key is None:
            return {}
        try:
            row = _SESSION_DATA.first(key=self.session_key, now=timezone.now())
        except SuspiciousOperation as error:
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            row = None
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row["session_data"])
