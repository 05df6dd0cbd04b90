"""The patient timeline, clinic outcomes and guideline updates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from taperwell.access import care_team_required, patient_for_user, role_required
from taperwell.clinics.models import Role


@require_GET
@care_team_required
def timeline(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(request, public_id, what="timeline")
    return render(request, "care/timeline.html", {"patient": patient})


@require_GET
@care_team_required
def timeline_data(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(request, public_id, what="timeline data")
    return render(request, "care/timeline_data.html", {"patient": patient})


@require_GET
@role_required(Role.ADMIN, Role.CLINICIAN)
def outcomes(request: HttpRequest) -> HttpResponse:
    return render(request, "care/outcomes.html", {})


@require_GET
@care_team_required
def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "care/guidelines.html", {})
