"""The care team's list of patients."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from taperwell.access import care_team_required, patients_listed
from taperwell.patients.selectors import panel_for

PANEL_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@care_team_required
def panel(request: HttpRequest) -> HttpResponse:
    # A name search comes by POST: names stay out of addresses, history and access logs.
    mine_only = (request.POST or request.GET).get("mine") == "1"
    search = request.POST.get("q", "").strip()[:80]
    page = Paginator(
        panel_for(request.user, mine_only=mine_only, search=search), PANEL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    patients_listed(request, page.object_list, what="patient list")
    template = "patients/_panel_rows.html" if request.htmx else "patients/panel.html"
    return render(request, template, {"page": page, "mine_only": mine_only, "search": search})
