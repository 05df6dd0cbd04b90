"""The care team's triage dashboard and flags."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from taperwell.access import care_team_required


@require_GET
@care_team_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "care/dashboard.html", {})
