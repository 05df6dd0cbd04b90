"""Writing messages. Every write is a service; nothing is ever deleted."""

from __future__ import annotations

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taperwell.accounts.models import User
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


@transaction.atomic
def message_send(
    *, thread: Thread, sender: User, body: str, attachment: UploadedFile | None = None
) -> Message:
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
    return message


@transaction.atomic
def thread_create(
    *,
    patient: Patient,
    sender: User,
    subject: str,
    body: str,
    attachment: UploadedFile | None = None,
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
    message_send(thread=thread, sender=sender, body=body, attachment=attachment)
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
