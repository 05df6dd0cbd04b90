"""Reads for the care workspace."""

from __future__ import annotations

from typing import Any

from taperwell.care.models import Flag, FlagStatus

UNRESOLVED = (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED)


def open_flags(patient: Any) -> list[Flag]:
    """Flags not yet resolved, the most serious and oldest first."""
    return list(
        Flag.objects.filter(patient=patient, status__in=UNRESOLVED).order_by("rank", "raised_at")
    )
