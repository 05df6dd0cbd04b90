"""Demo: the weekly mindfulness/ACT group for the next four weeks. Safe to run again."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from taperwell.clinics.models import Clinic, Role
from taperwell.meetings.models import GroupSession, SessionKind
from taperwell.meetings.services import sessions_create


def load(clinic: Clinic) -> None:
    if GroupSession.objects.filter(clinic=clinic).exists():
        return
    lead = clinic.memberships.filter(role=Role.BEHAVIOURAL_HEALTH).select_related("user").first()
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    today = timezone.now().astimezone(zone).date()
    next_tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    sessions_create(
        clinic=clinic,
        led_by=lead.user if lead else None,
        weeks=4,
        title="Mindfulness and ACT group",
        kind=SessionKind.MINDFULNESS,
        description="An hour to practice noticing pain without fighting it, and to choose "
        "what matters. Come as you are.",
        starts_at=dt.datetime.combine(next_tuesday, dt.time(17, 30), tzinfo=zone),
        duration_minutes=60,
        place="in_person",
        location="Room 2, ground floor",
        capacity=12,
    )
    sessions_create(
        clinic=clinic,
        led_by=lead.user if lead else None,
        title="Pain education: how pain works",
        kind=SessionKind.PAIN_SCHOOL,
        starts_at=dt.datetime.combine(
            next_tuesday + dt.timedelta(days=2), dt.time(12), tzinfo=zone
        ),
        duration_minutes=45,
        place="video",
        video_url="https://video.example.org/riverside-pain-school",
        capacity=30,
    )
