"""Writing messages. Every write is a service; nothing is ever deleted."""

from __future__ import annotations

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taperwell.accounts.models import User
from taperwell.clinical.text_risk import TextRisk, screen_text
from taperwell.messaging.files import attachment_type
from taperwell.messaging.models import (
    Message,
    MessageEvent,
    MessageEventKind,
    MessageRead,
    Thread,
)
from taperwell.patients.models import Patient


def _notify_patient_later(message: Message) -> None:
    """The patient hears "you have a new message" from the reminder job (never the words)."""
    if message.from_patient:
        return
    patient_id = message.thread.patient_id

    def enqueue() -> None:
        from taperwell.notifications.tasks import send_due_reminders_for

        send_due_reminders_for(patient_id)

    transaction.on_commit(enqueue)


RISK_RULE = "risk-words-in-message"


def _screen_patient_words(*, message: Message, text: str) -> TextRisk:
    """Risk language in what a patient writes to the care team reaches them as a flag: urgent
    when high (the patient sees crisis help at once), moderate when possible."""
    found = screen_text(text)
    if not found.risky:
        return found
    from taperwell.care.services import flag_raise
    from taperwell.checkins.selectors import clinic_today

    patient = message.thread.patient
    flag_raise(
        patient=patient,
        rule=RISK_RULE,
        severity="urgent" if found.high else "moderate",
        reason=(
            f"A message to the care team has {found.risk}-risk language ({found.described()}): "
            f'"{message.thread.subject}". '
            + ("Crisis help was shown at once." if found.high else "Crisis help was offered.")
        ),
        action="crisis" if found.high else "call",
        day=clinic_today(patient.clinic),
        # Flags have no "message" source yet; the patient wrote it.
        source="patient",
    )
    return found


@transaction.atomic
def message_send(
    *, thread: Thread, sender: User, body: str, attachment: UploadedFile[bytes] | None = None
) -> Message:
    """Send a message. A patient's words go through the risk screen: the result is on the
    returned message as `message.risk` (a `TextRisk`), so the page can show crisis help."""
    from_patient = thread.patient.user_id == sender.pk
    message = Message(thread=thread, sender=sender, from_patient=from_patient, body=body.strip())
    if attachment is not None:
        message.attachment_type = attachment_type(attachment)
        message.attachment_name = (attachment.name or "attachment")[-120:]
        message.attachment = attachment
    message.full_clean(exclude=["attachment"])
    message.save()
    MessageRead.objects.create(message=message, reader=sender)
    MessageEvent.objects.create(message=message, kind=MessageEventKind.SENT, by=sender)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=message.created_at)
    _notify_patient_later(message)
    if from_patient:
        text = message.body if thread.messages.count() > 1 else f"{thread.subject}\n{message.body}"
        message.risk = _screen_patient_words(message=message, text=text)  # type: ignore[attr-defined]
    else:
        message.risk = TextRisk("none", ())  # type: ignore[attr-defined]
    return message


@transaction.atomic
def thread_create(
    *,
    patient: Patient,
    sender: User,
    subject: str,
    body: str,
    attachment: UploadedFile[bytes] | None = None,
) -> Thread:
    thread = Thread(
        clinic=patient.clinic,
        patient=patient,
        subject=subject.strip(),
        started_by=sender,
        last_message_at=timezone.now(),
    )
    thread.full_clean()
    thread.save()
    first = message_send(thread=thread, sender=sender, body=body, attachment=attachment)
    thread.risk = first.risk  # type: ignore[attr-defined]
    return thread


@transaction.atomic
def message_retract(*, message: Message, by: User) -> Message:
    """Only the sender may withdraw a message; the row, its words and the event stay."""
    if message.sender_id != by.pk:
        raise PermissionDenied
    if message.retracted_at is not None:
        raise ValidationError(_("This message was already withdrawn."))
    message.retracted_at = timezone.now()
    message.save(update_fields=["retracted_at"])
    MessageEvent.objects.create(message=message, kind=MessageEventKind.RETRACTED, by=by)
    return message


def thread_mark_read(*, thread: Thread, reader: User) -> int:
    """Record that `reader` has seen every message in the thread; returns how many were new."""
    seen = set(
        MessageRead.objects.filter(message__thread=thread, reader=reader).values_list(
            "message_id", flat=True
        )
    )
    new = [
        MessageRead(message_id=pk, reader=reader)
        for pk in thread.messages.values_list("pk", flat=True)
        if pk not in seen
    ]
    with contextlib.suppress(IntegrityError):  # a double tap or a second tab
        MessageRead.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
