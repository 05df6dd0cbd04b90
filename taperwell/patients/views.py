"""The patient's home page, and the care team's list and record of patients."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from taperwell.access import care_team_required, own_patient_record, patient_for_user
from taperwell.patients.decorators import patient_page
from taperwell.patients.selectors import care_team_of, panel_for

PANEL_PAGE_SIZE = 50


@require_GET
@patient_page
def today(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="today page")
    return render(
        request, "patients/today.html", {"patient": patient, "care_team": care_team_of(patient)}
    )


@require_GET
@care_team_required
def panel(request: HttpRequest) -> HttpResponse:
    mine_only = request.GET.get("mine") == "1"
    search = request.GET.get("q", "").strip()[:80]
    page = Paginator(
        panel_for(request.user, mine_only=mine_only, search=search), PANEL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    template = "patients/_panel_rows.html" if request.htmx else "patients/panel.html"
    return render(request, template, {"page": page, "mine_only": mine_only, "search": search})


@require_GET
@care_team_required
def patient_record(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(request, public_id)
    return render(
        request,
        "patients/record.html",
        {
            "patient": patient,
            "care_team": care_team_of(patient),
            "consent": patient.consents.first(),
        },
    )
