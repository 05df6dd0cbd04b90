"""Reads of the clinic's group sessions for other apps' pages."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone

from taperwell.meetings.models import GroupSession, Rsvp, RsvpStatus
from taperwell.patients.models import Patient


def next_group_session(patient: Patient) -> dict[str, Any] | None:
    """The next group session for Today, in one query: one the patient said they are going to
    comes first, then the clinic's next one they have not turned down."""
    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    mine = Rsvp.objects.filter(session=OuterRef("pk"), patient=patient).values("status")[:1]
    session = (
        GroupSession.objects.filter(
            clinic_id=patient.clinic_id, cancelled_at__isnull=True, starts_at__gte=timezone.now()
        )
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
        .first()
    )
    if session is None:
        return None
    return {
        "title": session.title,
        # Naive clinic-local time: the date filter would convert an aware one again.
        "starts_local": session.starts_at.astimezone(zone).replace(tzinfo=None),
        "going": session.my_rsvp == RsvpStatus.GOING,
        "url": reverse("meetings:detail", args=[session.public_id]),
    }
