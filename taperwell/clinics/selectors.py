"""Reads about a clinic that every app needs."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from taperwell.clinics.models import Clinic


def clinic_today(clinic: Clinic, now: datetime | None = None) -> date:
    """Today's date where the clinic is: the day a check-in, a dose or a reminder belongs to."""
    now = now or timezone.now()
    return now.astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
