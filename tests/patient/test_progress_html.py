"""My progress drawn in Python writes what the template it replaced writes, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from taperwell.checkins.progress_html import progress_html
from taperwell.patients.models import Patient

REFERENCE = Path(__file__).parent / "data" / "progress_content.html"


def _page(client, patient) -> tuple[dict, object, str]:
    """Progress's context as the view gave it to the page, the request and the page."""
    client.force_login(patient.user)
    response = client.get("/progress/")
    assert response.status_code == 200
    context = next(c for c in response.context if "content" in c).flatten()
    page = response.content.decode()
    assert str(context["content"]) in page
    return context, response.wsgi_request, page


def _both_ways(language: str, context: dict, request) -> tuple[str, str]:
    """The content drawn in Python and by the old template from the same values."""
    reference = engines["django"].from_string(REFERENCE.read_text())
    with translation.override(language):
        drawn = reference.render(context, request=request)
        ours = str(
            progress_html(
                figures=context["figures"],
                effort=context["effort"],
                mood_worse=context["mood_worse"],
            )
        )
    return ours, drawn


def _demo_patients():
    return list(
        Patient.objects.filter(user__isnull=False).select_related("user", "clinic").order_by("pk")
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_progress_drawn_in_python_is_the_template_it_replaced_for_every_demo_patient(
    db, demo, client, language
):
    patients = _demo_patients()
    assert len(patients) >= 8
    charted = 0
    for patient in patients:
        Patient.objects.filter(pk=patient.pk).update(preferred_language=language)
        context, request, _shown = _page(client, patient)
        ours, drawn = _both_ways(language, context, request)
        assert ours == drawn, patient
        assert str(context["content"]) == ours
        charted += bool(context["figures"])
    assert charted  # some demo patients have charts, so the charts' place was compared


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("mood_worse", [True, False])
@pytest.mark.parametrize("effort", ["", "You checked in on 3 of the last 30 days."])
@pytest.mark.parametrize("figures", ["", '\n  <figure class="card chart">a chart</figure>\n'])
def test_progress_drawn_in_python_is_the_template_in_every_state_of_the_page(
    db, demo, client, language, mood_worse, effort, figures
):
    maria = Patient.objects.select_related("user").get(user__email="maria@example.org")
    context, request, _shown = _page(client, maria)
    context |= {"mood_worse": mood_worse, "effort": effort, "figures": mark_safe(figures)}  # noqa: S308
    ours, drawn = _both_ways(language, context, request)
    assert ours == drawn


def test_the_words_about_effort_are_escaped_and_the_links_lead_to_their_pages(db):
    ours = str(progress_html(figures="", effort="<b>&</b>", mood_worse=True))
    assert '<p class="card celebrate">&lt;b&gt;&amp;&lt;/b&gt;</p>' in ours
    names = ("messaging:new", "checkins:crisis", "checkins:new", "checkins:questionnaires")
    for name in (*names, "checkins:history"):
        assert f'href="{reverse(name)}"' in ours, name
