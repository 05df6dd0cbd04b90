"""The project's pages plus `/bench/bare`: a bare Django view that reads one row.

It is the baseline every server benchmark is measured against, in the same run.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from taperwell.clinics.models import Clinic


def bare(request: HttpRequest) -> JsonResponse:
    clinic = Clinic.objects.only("name").first()
    return JsonResponse({"clinic": clinic.name if clinic else None})


urlpatterns = [path("bench/bare", bare), path("", include("taperwell.urls"))]
