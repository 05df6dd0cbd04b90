"""Spanish risk words in what a patient writes through the web (check-in notes, messages) are
screened like English ones: crisis help at once and an urgent flag when high, a gentle flag when
possible, nothing for ordinary pain talk."""

from __future__ import annotations

import pytest

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn
from tests.patient.test_checkin_safety import answers

pytestmark = pytest.mark.django_db


def _check_in(client, patient, note, headers):
    client.force_login(patient.user)
    return client.post("/checkin/", answers(note=note), follow=True, **headers)


def _message(client, patient, body, headers):
    client.force_login(patient.user)
    data = {"subject": "Una semana difícil", "body": body}
    return client.post("/messages/new/", data, follow=True, **headers)


def test_a_spanish_check_in_note_with_high_risk_words_shows_crisis_help_and_an_urgent_flag(
    client, patient, reads_spanish
):
    response = _check_in(client, patient, "Mi familia estaría mejor sin mí.", reads_spanish)
    assert response.redirect_chain[-1][0] == "/help-now/"
    assert CheckIn.objects.get().note == "Mi familia estaría mejor sin mí."
    assert Flag.objects.get(patient=patient, rule="risk-words-in-check-in").severity == "urgent"


def test_a_spanish_check_in_note_with_possible_risk_words_tells_the_care_team_gently(
    client, patient, reads_spanish
):
    response = _check_in(client, patient, "Ya no puedo más con este dolor.", reads_spanish)
    assert response.redirect_chain[-1][0] == "/checkin/saved/"
    assert Flag.objects.get(patient=patient, rule="risk-words-in-check-in").severity == "moderate"


def test_a_spanish_check_in_note_about_ordinary_pain_raises_nothing(client, patient, reads_spanish):
    _check_in(client, patient, "Este dolor me está matando hoy.", reads_spanish)
    assert CheckIn.objects.filter(patient=patient).exists()
    assert not Flag.objects.exists()


def test_a_spanish_message_with_high_risk_words_shows_crisis_help_and_an_urgent_flag(
    client, patient, reads_spanish
):
    response = _message(
        client, patient, "Estoy acumulando mis pastillas en el cajón.", reads_spanish
    )
    assert response.redirect_chain[-1][0] == "/help-now/"
    flag = Flag.objects.get(patient=patient, rule="risk-words-in-message")
    assert flag.severity == "urgent"


def test_a_spanish_message_with_possible_risk_words_tells_the_care_team_gently(
    client, patient, reads_spanish
):
    _message(client, patient, "No puedo seguir así, de verdad.", reads_spanish)
    assert Flag.objects.get(patient=patient, rule="risk-words-in-message").severity == "moderate"


def test_an_english_reader_who_writes_in_spanish_is_screened_too(client, patient):
    response = _message(client, patient, "A veces quiero morirme.", {})
    assert response.redirect_chain[-1][0] == "/help-now/"
    assert Flag.objects.get(patient=patient, rule="risk-words-in-message").severity == "urgent"
