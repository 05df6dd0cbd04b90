"""`{% load treatment_tags %}`: the latest decision on medication treatment.

`{% treatment_decision_line patient %}` for the care page and the visit view (clinical roles
only reach those pages); `{% treatment_card_for_patient patient %}` in plain words for the
patient's own pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from taperwell.tapering.treatment import latest_for_patient, latest_treatment_decision

if TYPE_CHECKING:
    from taperwell.patients.models import Patient

register = template.Library()


@register.inclusion_tag("tapering/_treatment_line.html")
def treatment_decision_line(patient: Patient) -> dict[str, Any]:
    return {"decision": latest_treatment_decision(patient)}


@register.inclusion_tag("tapering/_treatment_card.html")
def treatment_card_for_patient(patient: Patient) -> dict[str, Any]:
    return {"words": latest_for_patient(patient)}
