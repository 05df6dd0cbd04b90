"""Risk language in a message to the care team: an urgent flag and crisis help at once when high,
a gentler flag and an offer of help when possible, nothing for ordinary pain talk."""

from __future__ import annotations

import pytest

from taperwell.care.models import Flag
from taperwell.messaging.models import Message, Thread

pytestmark = pytest.mark.django_db


def _start(client, patient, body, subject="A hard week"):
    client.force_login(patient.user)
    return client.post("/messages/new/", {"subject": subject, "body": body}, follow=True)


def test_a_high_risk_message_shows_crisis_help_at_once_and_raises_an_urgent_flag(client, patient):
    response = _start(client, patient, "I have been saving up my pills for when I can't take it.")
    assert response.redirect_chain[-1][0] == "/help-now/"
    assert "Call 988" in response.content.decode()
    assert Message.objects.get().body.startswith("I have been saving up")
    flag = Flag.objects.get(patient=patient, rule="risk-words-in-message")
    assert flag.severity == "urgent"
    assert "A hard week" in flag.reason


def test_a_high_risk_reply_in_a_thread_shows_crisis_help_at_once(client, patient):
    _start(client, patient, "My knee hurts more since the last step.")
    thread = Thread.objects.get(patient=patient)
    assert not Flag.objects.exists()
    response = client.post(
        f"/messages/{thread.public_id}/",
        {"body": "Some nights I think everyone would be better off without me."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/help-now/"
    assert Flag.objects.get(patient=patient).severity == "urgent"


def test_a_possible_risk_message_offers_help_and_tells_the_care_team_gently(client, patient):
    response = _start(client, patient, "I feel like such a burden to my family lately.")
    assert "call or text 988 any time" in response.content.decode()
    assert Flag.objects.get(patient=patient, rule="risk-words-in-message").severity == "moderate"


def test_ordinary_pain_talk_in_a_message_raises_nothing(client, patient):
    response = _start(client, patient, "This pain is killing me and I am dead tired.")
    assert "Sent. The care team will see it." in response.content.decode()
    assert not Flag.objects.exists()


def test_a_clinicians_message_is_not_screened(client, patient, clinician):
    _start(client, patient, "My knee hurts.")
    thread = Thread.objects.get(patient=patient)
    client.force_login(clinician)
    client.post(
        f"/messages/{thread.public_id}/",
        {"body": "If you ever feel you want to die, call 988."},
    )
    assert not Flag.objects.exists()
