"""Secure messages between a patient and their care team. Nothing here is ever deleted."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from taperwell.clinics.models import Clinic
from taperwell.patients.models import Patient


def attachment_path(instance: Message, filename: str) -> str:
    # A random name: the patient's own file name is kept only as a label.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"messages/{uuid.uuid4().hex}.{extension}"


class Thread(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="message_threads")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="message_threads")
    subject = models.CharField(_("subject"), max_length=120)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [models.Index(fields=["clinic", "-last_message_at"])]

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_patient = models.BooleanField()
    body = models.TextField(_("message"), max_length=5000)
    attachment = models.FileField(upload_to=attachment_path, blank=True)
    attachment_name = models.CharField(max_length=120, blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Retracting hides the words from the other side but keeps the row and the words (a trace).
    retracted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.public_id}"


class MessageRead(models.Model):
    """Who has seen a message, and when (read receipts for the care team)."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "reader"], name="one_read_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.reader_id} read {self.message_id}"


class MessageEventKind(models.TextChoices):
    SENT = "sent", _("Sent")
    RETRACTED = "retracted", _("Withdrawn by the sender")


class MessageEvent(models.Model):
    """Append-only: what happened to a message."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=MessageEventKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


# The line a clinic starts with. While the clinic keeps it, each patient reads it in their own
# language (`selectors.reply_line`); a line the clinic writes is shown as they wrote it.
DEFAULT_REPLY_EXPECTATION = gettext_noop("We answer within one working day.")


class ClinicMessaging(models.Model):
    """The clinic's promise about replies, shown above every message box."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="messaging")
    reply_expectation = models.CharField(
        _("when we reply"),
        max_length=240,
        default=DEFAULT_REPLY_EXPECTATION,
        help_text=_("Shown to patients above every message. Emergency numbers are added after."),
    )

    def __str__(self) -> str:
        return f"Messaging for {self.clinic}"
