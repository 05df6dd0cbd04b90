"""Reads of the clinic's group sessions for other apps' pages."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.db.models import JSONField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject

from taperwell.core.links import id_path
from taperwell.meetings.models import GroupSession, Rsvp, RsvpStatus
from taperwell.patients.models import Patient


def next_group_session_column(*, patient_id: int, clinic_id: int, now: datetime) -> Subquery:
    """For the query of a patient's row: the next group session for Today, as a JSON object of
    its title, start, public id and the patient's answer (`group_session_of` reads it back). One
    the patient said they are going to comes first, then the clinic's next one they have not
    turned down. The ids and the clock are arguments: Today prepares this query once."""
    mine = Rsvp.objects.filter(session=OuterRef("pk"), patient_id=patient_id).values("status")[:1]
    sessions = _next_sessions(GroupSession.objects.filter(clinic_id=clinic_id), mine, now=now)
    fields = JSONObject(title="title", starts_at="starts_at", public_id="public_id", rsvp="my_rsvp")
    return Subquery(sessions.values(session=fields)[:1], output_field=JSONField())


def group_session_of(patient: Patient, session: dict[str, Any] | None) -> dict[str, Any] | None:
    """The session for Today from the column of `next_group_session_column`."""
    if session is None:
        return None
    # The start is written "2026-12-08 22:30:00" (UTC) by SQLite and "2026-12-08T22:30:00+00:00"
    # by PostgreSQL; a UUID as 32 hex digits by one and with dashes by the other.
    starts_at = datetime.fromisoformat(session["starts_at"])
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    return _session_for_today(
        patient,
        title=session["title"],
        starts_at=starts_at,
        public_id=UUID(session["public_id"]),
        rsvp=session["rsvp"],
    )


def _next_sessions(
    sessions: QuerySet[GroupSession], mine: QuerySet[Rsvp, Any], *, now: datetime
) -> QuerySet[GroupSession]:
    """The clinic's sessions to come that the patient has not turned down, one they said they
    are going to first, then the soonest. `mine`: the patient's answer to the session."""
    return (
        sessions.filter(cancelled_at__isnull=True, starts_at__gte=now)
        # No answer reads as "": "going" sorts after it, so a descending order puts it first.
        .annotate(my_rsvp=Coalesce(Subquery(mine), Value("")))
        .filter(my_rsvp__in=["", RsvpStatus.GOING])
        .order_by("-my_rsvp", "starts_at")
    )


def _session_for_today(
    patient: Patient, *, title: str, starts_at: datetime, public_id: UUID, rsvp: str | None
) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    return {
        "title": title,
        # Naive clinic-local time: the date filter would convert an aware one again.
        "starts_local": starts_at.astimezone(zone).replace(tzinfo=None),
        "going": rsvp == RsvpStatus.GOING,
        "url": id_path("meetings:detail", public_id),
    }
