"""Secure messages between a patient and the care team."""

from __future__ import annotations

import io
from datetime import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from taperwell.messaging.models import Message, MessageEvent, Thread
from taperwell.notifications.models import Notification, Preference
from tests import factories


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _start(client, patient, body="My knee hurts more since the last step.", **extra):
    client.force_login(patient.user)
    response = client.post(
        "/messages/new/", {"subject": "Knee pain", "body": body, **extra}, format="multipart"
    )
    assert response.status_code == 302, response.content
    return Thread.objects.get(patient=patient)


def test_a_patient_writes_and_the_clinician_sees_it_unread_then_read(client, patient, clinician):
    thread = _start(client, patient)
    client.force_login(clinician)
    inbox = client.get("/messages/").content.decode()
    assert "Knee pain" in inbox
    assert "1 new" in inbox
    page = client.get(f"/messages/{thread.public_id}/").content.decode()
    assert "My knee hurts more" in page
    assert "1 new" not in client.get("/messages/").content.decode()


def test_the_care_team_sees_who_on_the_team_has_read_a_message(
    client, patient, clinician, counsellor
):
    thread = _start(client, patient)
    client.force_login(counsellor)
    client.get(f"/messages/{thread.public_id}/")
    client.force_login(clinician)
    page = client.get(f"/messages/{thread.public_id}/").content.decode()
    assert "Seen by:" in page
    assert "Sam Counsellor" in page


def test_a_reply_tells_the_patient_only_that_a_message_is_waiting(
    client, patient, clinician, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=patient.user, quiet_start=time(0), quiet_end=time(0))
    thread = _start(client, patient)
    client.force_login(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/messages/{thread.public_id}/", {"body": "Let's lower the oxycodone pace."})
    notice = Notification.objects.get(user=patient.user, kind="message")
    assert "oxycodone" not in notice.title + notice.body
    about_messages = [m for m in mail.outbox if m.subject == "You have a new message"]
    assert len(about_messages) == 1
    for email in mail.outbox:  # other reminders that were due went out too; none says more
        assert "oxycodone" not in email.body
        assert "knee" not in email.body.lower()
    client.force_login(patient.user)
    assert "1 new" in client.get("/messages/").content.decode()


def test_the_reply_time_line_is_on_every_message_page(client, patient, clinic_admin):
    client.force_login(clinic_admin)
    client.post("/messages/reply-time/", {"reply_expectation": "We answer within two hours."})
    client.force_login(patient.user)
    page = client.get("/messages/new/").content.decode()
    assert "We answer within two hours. For emergencies call 911 or 988." in page


def test_a_withdrawn_message_leaves_a_trace_and_is_never_deleted(client, patient, clinician):
    thread = _start(client, patient, body="Sorry, wrong words")
    message = Message.objects.get(thread=thread)
    response = client.post(f"/messages/m/{message.public_id}/withdraw/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.retracted_at is not None
    assert message.body == "Sorry, wrong words"
    assert list(MessageEvent.objects.filter(message=message).values_list("kind", flat=True)) == [
        "sent",
        "retracted",
    ]
    client.force_login(clinician)
    page = client.get(f"/messages/{thread.public_id}/").content.decode()
    assert "Withdrawn by the sender" in page
    assert "Sorry, wrong words" not in page
    # Only the sender may withdraw it.
    assert client.post(f"/messages/m/{message.public_id}/withdraw/").status_code == 404


def test_an_image_attachment_is_kept_and_served_only_to_the_thread(
    client, patient, other_patient, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("rash.png", _png(), content_type="image/png")
    thread = _start(client, patient, attachment=photo)
    message = Message.objects.get(thread=thread)
    assert message.attachment_type == "image/png"
    response = client.get(f"/messages/m/{message.public_id}/attachment/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    client.force_login(other_patient.user)
    assert client.get(f"/messages/m/{message.public_id}/attachment/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("notes.pdf", b"MZ\x90\x00 this is a program", "photo (JPEG, PNG, GIF, WebP) or a PDF"),
        ("photo.png", b"%PDF-1.7\n...", "does not match"),
        ("big.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024), "too big"),
    ],
    ids=["a program named pdf", "a pdf named png", "too big"],
)
def test_an_attachment_is_checked_by_what_is_inside_it(
    client, patient, settings, tmp_path, name, content, problem
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(patient.user)
    response = client.post(
        "/messages/new/",
        {
            "subject": "Papers",
            "body": "Here it is",
            "attachment": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert problem in page
    assert 'value="Papers"' in page  # the form keeps what was typed
    assert not Thread.objects.exists()


def test_a_pdf_attachment_is_accepted(client, patient, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n")
    thread = _start(client, patient, attachment=pdf)
    assert Message.objects.get(thread=thread).attachment_type == "application/pdf"


def test_nobody_from_another_clinic_or_another_patient_opens_a_thread(
    client, patient, other_patient, stranger_clinician
):
    thread = _start(client, patient)
    for person in (stranger_clinician, other_patient.user):
        client.force_login(person)
        assert client.get(f"/messages/{thread.public_id}/").status_code == 404
        assert "Knee pain" not in client.get("/messages/").content.decode()


def test_the_care_team_can_start_a_conversation_with_their_patient_only(
    client, patient, clinician, stranger_patient
):
    client.force_login(clinician)
    response = client.post(
        "/messages/new/",
        {"patient": str(stranger_patient.public_id), "subject": "Hi", "body": "Hello"},
    )
    assert response.status_code == 400
    assert not Thread.objects.exists()
    response = client.post(
        "/messages/new/", {"patient": str(patient.public_id), "subject": "Hi", "body": "Hello"}
    )
    assert response.status_code == 302
    assert Thread.objects.get().patient == patient


def test_the_inbox_takes_a_fixed_number_of_queries(
    client, clinic, clinician, django_assert_max_num_queries
):
    for n in range(5):
        p = factories.make_patient(clinic, full_name=f"P {n}")
        _start(client, p)
    client.force_login(clinician)
    with django_assert_max_num_queries(12):
        assert client.get("/messages/").status_code == 200
