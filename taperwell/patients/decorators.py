"""Guards for the patient's own pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from taperwell.access import OWN_PATIENT_ANNOTATIONS, own_patient, patient_required
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
    """Consent read with the patient (`own_patient`'s annotation), or asked for when absent.

    The enrolment app registers the `has_consent` annotation (its AppConfig.ready()); the base
    does not import it. A missing registration is a KeyError, never a page let through."""
    given = getattr(patient, "has_consent", None)
    if given is None:
        given = (
            Patient.objects.filter(pk=patient.pk)
            .annotate(has_consent=OWN_PATIENT_ANNOTATIONS["has_consent"]())
            .values_list("has_consent", flat=True)
            .get()
        )
    return bool(given)
