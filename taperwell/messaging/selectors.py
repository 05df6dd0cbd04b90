"""Reading messages: which threads a person may see, unread counts, the reply-time line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from taperwell.access import clinic_of, role_of
from taperwell.audit.models import AuditAction
from taperwell.audit.services import audit_record
from taperwell.clinics.models import CLINICAL_ROLES, Clinic, Role
from taperwell.messaging.models import (
    DEFAULT_REPLY_EXPECTATION,
    ClinicMessaging,
    Message,
    MessageRead,
    Thread,
)

if TYPE_CHECKING:
    from taperwell.accounts.models import User


def threads_visible_to(user: User) -> QuerySet[Thread]:
    role = role_of(user)
    if role == Role.PATIENT:
        return Thread.objects.filter(patient__user=user, clinic=clinic_of(user))
    if role in CLINICAL_ROLES:
        return Thread.objects.filter(clinic=clinic_of(user))
    return Thread.objects.none()


def _unread_messages(user: User) -> QuerySet[Message]:
    read = MessageRead.objects.filter(message=OuterRef("pk"), reader=user)
    return Message.objects.filter(~Exists(read), retracted_at__isnull=True).exclude(sender=user)


def inbox_for(user: User) -> QuerySet[Thread]:
    unread = _unread_messages(user).values_list("pk", flat=True)
    return (
        threads_visible_to(user)
        .select_related("patient")
        .annotate(unread=Count("messages", filter=Q(messages__in=unread), distinct=True))
        .order_by("-last_message_at")
    )


def unread_messages_of(user: User) -> QuerySet[Message]:
    """The messages `user` has not read yet, in the threads they may see."""
    return _unread_messages(user).filter(thread__in=threads_visible_to(user))


def patient_unread_count_column(*, user_id: int, clinic_id: int) -> Subquery:
    """For a query of a patient's row: how many messages the patient (`user_id`, at
    `clinic_id`) has not read yet, as `unread_messages_of` finds them for a patient. Ids, not
    the user: Today prepares this query once."""
    read = MessageRead.objects.filter(message=OuterRef("pk"), reader_id=user_id)
    unread = (
        Message.objects.filter(
            ~Exists(read),
            retracted_at__isnull=True,
            thread__in=Thread.objects.filter(patient__user_id=user_id, clinic_id=clinic_id),
        )
        .exclude(sender_id=user_id)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Subquery(unread, output_field=IntegerField())


def unread_count(user: User) -> int:
    return unread_messages_of(user).count()


def thread_for_user(request: HttpRequest, public_id: Any, *, write: bool = False) -> Thread:
    """One thread the signed-in person may see (404 otherwise), with the read audited."""
    user = request.user
    if not user.is_authenticated:
        raise Http404("No such conversation")
    try:
        thread = (
            threads_visible_to(user).select_related("patient", "clinic").get(public_id=public_id)
        )
    except (Thread.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such conversation") from error
    audit_record(
        request=request,
        action=AuditAction.UPDATE if write else AuditAction.VIEW,
        what="message thread",
        patient=thread.patient,
        object_id=str(thread.public_id),
    )
    return thread


def message_for_user(request: HttpRequest, public_id: Any) -> Message:
    user = request.user
    if not user.is_authenticated:
        raise Http404("No such message")
    try:
        message = Message.objects.select_related("thread").get(
            public_id=public_id, thread__in=threads_visible_to(user)
        )
    except (Message.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such message") from error
    return message


def messages_in(thread: Thread) -> list[Message]:
    items = list(
        thread.messages.select_related("sender").prefetch_related(
            Prefetch("reads", queryset=MessageRead.objects.select_related("reader"))
        )
    )
    for item in items:
        item.seen_by = [r for r in item.reads.all() if r.reader_id != item.sender_id]  # type: ignore[attr-defined]
    return items


def reply_line(clinic: Clinic) -> str:
    settings_row = ClinicMessaging.objects.filter(clinic=clinic).first()
    promise = (
        settings_row.reply_expectation if settings_row else DEFAULT_REPLY_EXPECTATION
    ).strip()
    if promise == DEFAULT_REPLY_EXPECTATION:
        promise = _(DEFAULT_REPLY_EXPECTATION)  # the clinic kept our line: in the reader's words
    return _("%(promise)s For emergencies call %(emergency)s or %(crisis)s.") % {
        "promise": promise,
        "emergency": clinic.emergency_number,
        "crisis": clinic.crisis_line_number,
    }
