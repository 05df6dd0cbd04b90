"""The job queue's SQLite file, kept as the main database is kept.

huey's SQLite storage leaves SQLite's default `synchronous=FULL`, so every queued job waits for
the disk (an fsync, 0.2 to 4 ms here) while it holds the queue's write lock: a check-in post, which
queues its bump rules, then waits on every other worker's fsync too. The main database runs WAL with
`synchronous=NORMAL` (taperwell/env.py); the queue does the same. After a power cut the last jobs
queued may be gone, as the last rows written may be. Nothing is lost for good: urgent flags are
raised with the check-in itself, `sweep_urgent_flags` (every 5 minutes) sends any urgent flag never
sent, and `sweep_bump_rules` (every 6 hours) runs the bump rules for every patient.
"""

from __future__ import annotations

import sqlite3

from huey import SqliteHuey
from huey.storage import SqliteStorage


class QueueStorage(SqliteStorage):
    def _create_connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection = super()._create_connection()
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection


class JobQueue(SqliteHuey):
    storage_class = QueueStorage
