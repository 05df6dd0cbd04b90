"""The questionnaire page for a reader of Spanish: the English instrument (never our own
translation), marked as English, with a note in Spanish; PHQ-9 item 9 still brings crisis help."""

from __future__ import annotations

import html

import pytest

from taperwell.care.models import Flag
from tests.patient.test_pages import phq9

pytestmark = pytest.mark.django_db


def test_a_spanish_reader_sees_the_english_phq9_with_a_spanish_note(client, patient, reads_spanish):
    client.force_login(patient.user)
    page = html.unescape(client.get("/questionnaires/phq9/", **reads_spanish).content.decode())
    assert '<p class="card language-note" lang="es">Estas preguntas están en inglés.' in page
    assert "Little interest or pleasure in doing things" in page
    assert '<div class="card" lang="en">' in page
    assert "Poco interés" not in page


def test_a_spanish_reader_sees_the_peg_note(client, patient, reads_spanish):
    client.force_login(patient.user)
    page = html.unescape(client.get("/questionnaires/peg/", **reads_spanish).content.decode())
    assert "no hay una versión oficial en español" in page


def test_an_english_reader_sees_no_note(client, patient):
    client.force_login(patient.user)
    page = client.get("/questionnaires/phq9/").content.decode()
    assert "language-note" not in page
    assert 'lang="en">' not in page.split("<main", 1)[-1]


def test_a_spanish_readers_phq9_item_9_answer_still_brings_crisis_help(
    client, patient, reads_spanish
):
    client.force_login(patient.user)
    response = client.post("/questionnaires/phq9/", phq9(1), follow=True, **reads_spanish)
    assert response.redirect_chain[-1][0] == "/help-now/"
    assert Flag.objects.get(patient=patient).severity == "urgent"
