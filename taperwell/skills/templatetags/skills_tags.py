"""`{% load skills_tags %}{% skills_suggestion patient checkin %}`: the practice to offer now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from taperwell.skills.selectors import suggestion_for

if TYPE_CHECKING:
    from taperwell.checkins.models import CheckIn
    from taperwell.patients.models import Patient

register = template.Library()


@register.inclusion_tag("skills/_suggestion.html")
def skills_suggestion(patient: Patient, checkin: CheckIn | None = None) -> dict[str, Any]:
    return {"suggestion": suggestion_for(patient, checkin=checkin)}
