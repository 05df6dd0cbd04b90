"""`{% load rtm_tags %}{% rtm_month_card patient %}`: this month's counts, a time log form and a
timer, for clinicians on the care page (nothing for other roles)."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any

from django import template

from taperwell.access import role_of
from taperwell.rtm.forms import CareTimeForm
from taperwell.rtm.month import month_bounds
from taperwell.rtm.selectors import month_for_patients
from taperwell.rtm.services import LOGGING_ROLES
from taperwell.tapering.services import local_today

if TYPE_CHECKING:
    from taperwell.patients.models import Patient

register = template.Library()


@register.inclusion_tag("rtm/_month_card_or_nothing.html", takes_context=True)
def rtm_month_card(context: dict[str, Any], patient: Patient) -> dict[str, Any]:
    if role_of(context["request"].user) not in LOGGING_ROLES:
        return {"show": False}
    today = local_today(patient.clinic)
    first, last = month_bounds(today.year, today.month)
    (summary,) = month_for_patients(
        [patient], first=first, last=last, zone=zoneinfo.ZoneInfo(patient.clinic.time_zone)
    )
    return {
        "show": True,
        "patient": patient,
        "first": first,
        "summary": summary,
        "form": CareTimeForm(initial={"on": today, "kind": "management"}),
        "csrf_token": context.get("csrf_token"),
    }
