"""Reads of the clinic's group sessions for other apps' pages."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone

from taperwell.meetings.models import GroupSession, Rsvp, RsvpStatus
from taperwell.patients.models import Patient


def next_group_session_columns(patient: Patient) -> dict[str, Subquery]:
    """For the query of `patient`'s row: `session_title`, `session_starts_at`,
    `session_public_id` and `session_my_rsvp` of the session `next_group_session` gives
    (`group_session_of` reads them back)."""
    mine = Rsvp.objects.filter(session=OuterRef("pk"), patient=patient).values("status")[:1]
    sessions = _next_sessions(GroupSession.objects.filter(clinic_id=patient.clinic_id), mine)
    return {
        f"session_{name}": Subquery(sessions.values(name)[:1])
        for name in ("title", "starts_at", "public_id", "my_rsvp")
    }


def group_session_of(patient: Patient, row: dict[str, Any]) -> dict[str, Any] | None:
    """`next_group_session` from the columns of `next_group_session_columns`."""
    if row["session_public_id"] is None:
        return None
    return _session_for_today(
        patient,
        title=row["session_title"],
        starts_at=row["session_starts_at"],
        public_id=row["session_public_id"],
        rsvp=row["session_my_rsvp"],
    )


def next_group_session(patient: Patient) -> dict[str, Any] | None:
    """The next group session for Today, in one query: one the patient said they are going to
    comes first, then the clinic's next one they have not turned down."""
    mine = Rsvp.objects.filter(session=OuterRef("pk"), patient=patient).values("status")[:1]
    session = _next_sessions(GroupSession.objects.filter(clinic_id=patient.clinic_id), mine).first()
    if session is None:
        return None
    return _session_for_today(
        patient,
        title=session.title,
        starts_at=session.starts_at,
        public_id=session.public_id,
        rsvp=session.my_rsvp,
    )


def _next_sessions(
    sessions: QuerySet[GroupSession], mine: QuerySet[Rsvp]
) -> QuerySet[GroupSession]:
    """The clinic's sessions to come that the patient has not turned down, one they said they
    are going to first, then the soonest. `mine`: the patient's answer to the session."""
    return (
        sessions.filter(cancelled_at__isnull=True, starts_at__gte=timezone.now())
        .annotate(my_rsvp=Subquery(mine))
        .filter(Q(my_rsvp__isnull=True) | Q(my_rsvp=RsvpStatus.GOING))
        .annotate(
            going_first=Case(
                When(my_rsvp=RsvpStatus.GOING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("going_first", "starts_at")
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
        "url": reverse("meetings:detail", args=[public_id]),
    }
