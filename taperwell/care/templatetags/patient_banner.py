"""`{% patient_banner patient %}`: identity and safety facts on every staff page of a patient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from taperwell.access import role_of
from taperwell.care.banner import patient_banner as banner_for
from taperwell.clinics.models import CLINICAL_ROLES

if TYPE_CHECKING:
    from taperwell.patients.models import Patient

register = template.Library()


@register.inclusion_tag("patients/_banner.html", takes_context=True)
def patient_banner(context: Any, patient: Patient) -> dict[str, Any]:
    """Front desk sees who the patient is and that they need clinical attention, never why."""
    request = context.get("request")
    clinical = request is not None and role_of(request.user) in CLINICAL_ROLES
    return {"banner": banner_for(patient), "clinical": clinical}


@register.inclusion_tag("patients/_identity_block.html")
def patient_identity(patient: Patient) -> dict[str, Any]:
    """A small block for printed pages and PDFs: name, birth date, record number, phone."""
    return {"patient": patient}
