"""The project's pages plus two baselines, registered only in the benchmark settings.

- `/bench/bare`: a bare Django view that reads one row.
- `/bench/signed-in`: the least a signed-in patient page can do: the same middleware (session,
  sign-in, time zone, two-factor rule), the patient's role and consent (`patient_page`), the
  patient loaded through `taperwell/access.py` with its audit row, and a one-line template.

Every server benchmark is measured against both, in the same run. This URLconf is named only by
`benchmarks/bench_settings.py`, so neither view is reachable in production.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import include, path

from taperwell.access import own_patient_record
from taperwell.clinics.models import Clinic
from taperwell.patients.decorators import patient_page


def bare(request: HttpRequest) -> JsonResponse:
    clinic = Clinic.objects.only("name").first()
    return JsonResponse({"clinic": clinic.name if clinic else None})


@patient_page
def signed_in(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="benchmark baseline")
    return render(request, "bench/signed_in.html", {"patient": patient})


urlpatterns = [
    path("bench/bare", bare),
    path("bench/signed-in", signed_in),
    path("", include("taperwell.urls")),
]
