"""What every page needs to know: the person's role, their clinic and its crisis wording."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from taperwell.access import membership_of
from taperwell.core.crisis import crisis_help
from taperwell.core.navigation import nav_items, split_links

DEFAULT_CRISIS = crisis_help(None, language="en")


def taperwell(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(getattr(request, "user", None))
    clinic = membership.clinic if membership else None
    crisis = crisis_help(clinic, language=get_language())
    primary, more = split_links(membership.role if membership else None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "membership": membership,
        "role": membership.role if membership else None,
        "nav_links": primary,
        "nav_more": more,
        "nav_items": nav_items(primary, current_path=request.path),
        "nav_more_items": nav_items(more, current_path=request.path),
        "current_clinic": clinic,
        "crisis": crisis,
    }
