"""`{% load skills_tags %}{% skills_suggestion patient checkin %}`: the practice to offer now."""

from __future__ import annotations

from typing import Any

from django import template

from taperwell.skills.selectors import suggestion_for

register = template.Library()


@register.inclusion_tag("skills/_suggestion.html")
def skills_suggestion(patient: Any, checkin: Any = None) -> dict[str, Any]:
    return {"suggestion": suggestion_for(patient, checkin=checkin)}
