"""Secure messages: the inbox, a conversation, a new conversation, withdrawing a message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import clinic_of, patients_visible_to, role_of, role_required
from taperwell.audit.models import AuditAction
from taperwell.audit.services import audit_record
from taperwell.clinics.models import CLINICAL_ROLES, Role
from taperwell.messaging import selectors, services
from taperwell.messaging.forms import MessageForm, ReplyTimeForm, ThreadForm
from taperwell.messaging.models import ClinicMessaging

if TYPE_CHECKING:
    from taperwell.clinics.models import Clinic

# Message threads carry clinical talk: the patient and clinicians read them, front desk does not.
EVERYONE = (Role.PATIENT, *CLINICAL_ROLES)


def _is_patient(request: HttpRequest) -> bool:
    return role_of(request.user) == Role.PATIENT


@require_GET
@role_required(*EVERYONE)
def inbox(request: HttpRequest) -> HttpResponse:
    clinic = clinic_of(request.user)
    threads = list(selectors.inbox_for(request.user)[:200])
    return render(
        request,
        "messaging/inbox.html",
        {
            "threads": threads,
            "reply_line": selectors.reply_line(clinic),
            "is_patient": _is_patient(request),
        },
    )


def _sent(request: HttpRequest, risk: Any, clinic: Clinic) -> None:
    if risk.risky:
        flash.warning(
            request,
            _(
                "Sent. Your care team will read it. If things feel too hard right now, you can "
                "call or text %(number)s any time, day or night."
            )
            % {"number": clinic.crisis_line_number},
        )
    else:
        flash.success(request, _("Sent. The care team will see it."))


@require_http_methods(["GET", "POST"])
@role_required(*EVERYONE)
def new(request: HttpRequest) -> HttpResponse:
    patient_side = _is_patient(request)
    patients = (
        None if patient_side else patients_visible_to(request.user).filter(user__isnull=False)
    )
    form = ThreadForm(request.POST or None, request.FILES or None, patients=patients)
    if request.method == "POST" and form.is_valid():
        patient = request.user.patient if patient_side else form.cleaned_data["patient"]
        thread = services.thread_create(
            patient=patient,
            sender=request.user,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data["attachment"] or None,
        )
        if thread.risk.high:
            return redirect("checkins:crisis")
        _sent(request, thread.risk, clinic_of(request.user))
        return redirect("messaging:thread", public_id=thread.public_id)
    clinic = clinic_of(request.user)
    return render(
        request,
        "messaging/new.html",
        {"form": form, "reply_line": selectors.reply_line(clinic)},
        status=400 if form.errors else 200,  # a refused form, e.g. an attachment too large
    )


@require_http_methods(["GET", "POST"])
@role_required(*EVERYONE)
def thread(request: HttpRequest, public_id: str) -> HttpResponse:
    conversation = selectors.thread_for_user(request, public_id, write=request.method == "POST")
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        message = services.message_send(
            thread=conversation,
            sender=request.user,
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data["attachment"] or None,
        )
        if message.risk.high:
            return redirect("checkins:crisis")
        if message.risk.risky:
            _sent(request, message.risk, conversation.clinic)
        return redirect("messaging:thread", public_id=conversation.public_id)
    services.thread_mark_read(thread=conversation, reader=request.user)
    return render(
        request,
        "messaging/thread.html",
        {
            "thread": conversation,
            "items": selectors.messages_in(conversation),
            "form": form,
            "is_patient": _is_patient(request),
            "reply_line": selectors.reply_line(conversation.clinic),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(*EVERYONE)
def retract(request: HttpRequest, public_id: str) -> HttpResponse:
    message = selectors.message_for_user(request, public_id)
    if message.sender_id != request.user.pk:
        raise Http404("Only the sender can withdraw a message")
    try:
        services.message_retract(message=message, by=request.user)
    except ValidationError as problem:
        flash.error(request, " ".join(problem.messages))
    return redirect("messaging:thread", public_id=message.thread.public_id)


@require_GET
@role_required(*EVERYONE)
def attachment(request: HttpRequest, public_id: str) -> HttpResponse:
    message = selectors.message_for_user(request, public_id)
    if not message.attachment or (message.retracted_at and message.sender_id != request.user.pk):
        raise Http404("No attachment")
    audit_record(
        request=request,
        action=AuditAction.VIEW,
        what="message attachment",
        patient=message.thread.patient,
        object_id=str(message.public_id),
    )
    inline = message.attachment_type.startswith("image/")
    return FileResponse(
        message.attachment.open("rb"),
        content_type=message.attachment_type,
        as_attachment=not inline,
        filename=message.attachment_name,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def reply_time(request: HttpRequest) -> HttpResponse:
    clinic = clinic_of(request.user)
    row, _created = ClinicMessaging.objects.get_or_create(clinic=clinic)
    form = ReplyTimeForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        form.save()
        flash.success(request, _("Saved. Patients see the new line above every message."))
        return redirect("messaging:inbox")
    return render(
        request,
        "messaging/reply_time.html",
        {"form": form, "reply_line": selectors.reply_line(clinic)},
    )
