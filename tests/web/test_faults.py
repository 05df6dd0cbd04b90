"""When something outside taperwell fails, nothing is lost and nothing is sent twice."""

from __future__ import annotations

import smtplib

from django.core import mail

from taperwell.enrolment.models import Invitation
from taperwell.enrolment.services import invitation_create
from taperwell.enrolment.tasks import send_due_invitation_emails_now


def test_an_invitation_email_that_fails_to_send_is_sent_once_when_the_mail_server_is_back(
    clinic, front_desk, monkeypatch
):
    invitation_create(
        clinic=clinic,
        created_by=front_desk,
        full_name="Rosa Diaz",
        method="email",
        email="rosa@example.org",
    )

    def mail_server_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr("taperwell.enrolment.tasks.send_mail", mail_server_down)
        assert send_due_invitation_emails_now() == 0
    assert Invitation.objects.get().email_sent_at is None  # the claim was released

    assert send_due_invitation_emails_now() == 1
    assert send_due_invitation_emails_now() == 0
    assert len(mail.outbox) == 1
