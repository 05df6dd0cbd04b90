"""Guards for the patient's own pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from taperwell.access import own_patient, patient_required
from taperwell.enrolment.services import has_current_consent

if TYPE_CHECKING:
    from taperwell.patients.models import Patient


def patient_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for the signed-in patient, who must have given consent first."""

    @patient_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        patient = own_patient(request)
        if patient is None or not _consented(patient):
            return redirect("enrolment:welcome")
        return view(request, *args, **kwargs)

    return wrapper


def _consented(patient: Patient) -> bool:
    """Consent read with the patient (`own_patient`'s annotation), or asked for when absent."""
    given = getattr(patient, "has_consent", None)
    return bool(given) if given is not None else has_current_consent(patient)
