"""The database's own refusal to change or remove audit rows, on SQLite (PostgreSQL: 0002)."""

from __future__ import annotations

SQLITE_CREATE_TRIGGERS = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_{verb.lower()}
    BEFORE {verb} ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only');
    END
    """
    for verb in ("UPDATE", "DELETE")
]
SQLITE_DROP_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS audit_auditevent_no_{verb.lower()}" for verb in ("UPDATE", "DELETE")
]
