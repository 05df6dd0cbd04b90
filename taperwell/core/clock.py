"""Times of day as a US clinic writes them, the same on every patient page, notice and email:
"5:30 PM", never "17:30" on one page and "5:30 PM" on another. Templates use the same pattern
through Django's date filter: |date:"g:i A" (with "M j" for the day: "Dec 7, 5:30 PM")."""

from __future__ import annotations

import datetime as dt


def clock(value: dt.time | dt.datetime) -> str:
    """12-hour time with AM/PM: 08:05 -> "8:05 AM", 17:30 -> "5:30 PM", 00:00 -> "12:00 AM"."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def export_time(value: dt.datetime, zone: dt.tzinfo) -> str:
    """A moment in an export (CSV), in the clinic's time zone with its offset, to the second:
    "2030-01-02T17:30:00-05:00". Bare UTC made a 5:30 PM check-in read as the next day."""
    return value.astimezone(zone).isoformat(timespec="seconds")
