"""The patient's home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.http import require_GET

from taperwell.access import own_patient_record
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
    # One CSRF token for every form on the page (masked afresh each request, as `get_token`
    # does): the layout's `{% csrf_token %}` reads it from here too.
    context["csrf_token"] = token = get_token(request)
    # The cards written in Python: the markup of `medications/_dose_cards.html`.
    if page.record.lines:
        context["doses_html"] = cards_html(page.doses, request, csrf_token=token)
    else:
        context["doses_html"] = ""
    # The page's own sections written in Python (`today/today_html.py`).
    context["content"] = today_html(context, request)
    return render(request, "today/today.html", context)
