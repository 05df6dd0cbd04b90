"""`{% load monitoring_tags %}{% monitoring_due_card patient %}`: what is due, for the care page.

Shows kinds and dates only, never results, so every care role may see it; the link to the records
is shown to clinical roles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from taperwell.access import role_of
from taperwell.clinics.models import CLINICAL_ROLES
from taperwell.monitoring.models import Kind
from taperwell.monitoring.selectors import monitoring_due
from taperwell.tapering.services import local_today

if TYPE_CHECKING:
    from taperwell.patients.models import Patient

register = template.Library()


@register.inclusion_tag("monitoring/_due.html", takes_context=True)
def monitoring_due_card(context: dict[str, Any], patient: Patient) -> dict[str, Any]:
    items = monitoring_due(patient, today=local_today(patient.clinic))
    return {
        "patient": patient,
        "items": [labelled(item) for item in items],
        "can_read_results": role_of(context["request"].user) in CLINICAL_ROLES,
    }


def labelled(item: Any) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "label": Kind(item.kind).label,
        "state": item.state.value,
        "last_done": item.last_done,
        "due_on": item.due_on,
        "days_overdue": item.days_overdue,
    }
