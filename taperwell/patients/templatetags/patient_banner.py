"""`{% patient_banner patient %}`: identity and safety facts on every staff page of a patient."""

from __future__ import annotations

from typing import Any

from django import template

from taperwell.patients.selectors import patient_banner as banner_for

register = template.Library()


@register.inclusion_tag("patients/_banner.html")
def patient_banner(patient: Any) -> dict[str, Any]:
    return {"banner": banner_for(patient)}


@register.inclusion_tag("patients/_identity_block.html")
def patient_identity(patient: Any) -> dict[str, Any]:
    """A small block for printed pages and PDFs: name, birth date, record number, phone."""
    return {"patient": patient}
