"""The patient's home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from taperwell.access import own_patient_record
from taperwell.core.markup import page_csrf_token
from taperwell.medications.dose_cards_html import cards_html
from taperwell.patients.decorators import patient_page
from taperwell.today.selectors import today_for
from taperwell.today.today_html import today_html


@require_GET
@patient_page
def today(request: HttpRequest) -> HttpResponse:
    """The patient's home: doses, the check-in, a practice, their goal, group, messages, team."""
    patient = own_patient_record(request, what="today page")
    page = today_for(patient, user=request.user)
    context = page.as_context()
    # One CSRF token for every form on the page, the layout's included.
    context["csrf_token"] = page_csrf_token(request)
    # The cards written in Python: the markup of `medications/_dose_cards.html`.
    context["doses_html"] = cards_html(page.doses, request) if page.record.lines else ""
    # The page's own sections written in Python (`today/today_html.py`).
    context["content"] = today_html(context, request)
    return render(request, "today/today.html", context)
