"""What every page needs to know: the person's role, their clinic and its crisis wording."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from taperwell.access import membership_of
from taperwell.core.navigation import split_links

DEFAULT_CRISIS_TEXT = "Need to talk now? Call or text 988, any time, day or night."
# The same words in the reader's language, while a clinic keeps the default wording.
DEFAULT_CRISIS_WORDS = gettext_lazy("Need to talk now? Call or text 988, any time, day or night.")
DEFAULT_CRISIS = {
    "number": "988",
    "text": DEFAULT_CRISIS_TEXT,
    "emergency": "911",
    "clinic_phone": "",
}


def crisis_words(text: str) -> str:
    """A clinic's own crisis wording as written; the default wording in the reader's language."""
    return str(DEFAULT_CRISIS_WORDS) if text == DEFAULT_CRISIS_TEXT else text


def taperwell(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(getattr(request, "user", None))
    clinic = membership.clinic if membership else None
    crisis = {**DEFAULT_CRISIS, "text": str(DEFAULT_CRISIS_WORDS)}
    if clinic is not None:
        crisis = {
            "number": clinic.crisis_line_number,
            "text": crisis_words(clinic.crisis_line_text),
            "emergency": clinic.emergency_number,
            "clinic_phone": clinic.phone,
        }
    primary, more = split_links(membership.role if membership else None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "membership": membership,
        "role": membership.role if membership else None,
        "nav_links": primary,
        "nav_more": more,
        "current_clinic": clinic,
        "crisis": crisis,
    }
