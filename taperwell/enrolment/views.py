"""Enrolment pages: staff invite a patient; the patient accepts, sets a password, consents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from taperwell.access import clinic_of, own_patient_record, patient_required, role_required
from taperwell.audit.models import AuditAction
from taperwell.audit.services import audit_record, client_ip
from taperwell.clinics.models import ENROLLING_ROLES
from taperwell.enrolment import services
from taperwell.enrolment.forms import AccountForm, CodeForm, ConsentForm, InvitationForm
from taperwell.enrolment.models import Invitation

SESSION_INVITATION = "enrolment_invitation"
SESSION_NEW_CODE = "enrolment_new_code"
CODE_TRIES_PER_HOUR = 10


@require_http_methods(["GET", "POST"])
@role_required(*ENROLLING_ROLES)
def invitation_new(request: HttpRequest) -> HttpResponse:
    clinic = clinic_of(request.user)
    assert clinic is not None  # noqa: S101 - role_required guarantees a membership
    form = InvitationForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        created = services.invitation_create(
            clinic=clinic,
            created_by=request.user,
            full_name=form.cleaned_data["full_name"],
            method=form.cleaned_data["method"],
            email=form.cleaned_data["email"] or "",
            primary_clinician=form.cleaned_data["primary_clinician"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            record_number=form.cleaned_data["record_number"],
            phone=form.cleaned_data["phone"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        audit_record(
            request=request,
            action=AuditAction.INVITE,
            what="invitation",
            patient=created.invitation.patient,
            object_id=str(created.invitation.public_id),
        )
        if created.code:
            request.session[SESSION_NEW_CODE] = [str(created.invitation.public_id), created.code]
        return redirect("enrolment:invitation_detail", public_id=created.invitation.public_id)
    return render(request, "enrolment/invitation_new.html", {"form": form})


@require_GET
@role_required(*ENROLLING_ROLES)
def invitation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("patient", "clinic"),
        public_id=public_id,
        clinic=clinic_of(request.user),
    )
    audit_record(
        request=request,
        action=AuditAction.VIEW,
        what="invitation",
        patient=invitation.patient,
        object_id=str(invitation.public_id),
    )
    code = None
    shown = request.session.pop(SESSION_NEW_CODE, None)
    if shown and shown[0] == str(invitation.public_id):
        code = shown[1]  # the code exists only now, for printing; we keep just its digest
    return render(
        request, "enrolment/invitation_detail.html", {"invitation": invitation, "code": code}
    )


@require_GET
@role_required(*ENROLLING_ROLES)
def invitation_list(request: HttpRequest) -> HttpResponse:
    invitations = Invitation.objects.filter(clinic=clinic_of(request.user)).select_related(
        "patient", "created_by"
    )[:200]
    return render(request, "enrolment/invitation_list.html", {"invitations": invitations})


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """A patient types the code printed for them."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttle_key = f"enrol-code:{client_ip(request)}"
        tries = cache.get_or_set(throttle_key, 0, timeout=3600)
        if tries >= CODE_TRIES_PER_HOUR:
            form.add_error("code", _("Too many tries. Please wait an hour, or call the clinic."))
        else:
            try:
                invitation = services.invitation_by_code(form.cleaned_data["code"])
            except services.InvitationError as problem:
                cache.set(throttle_key, tries + 1, timeout=3600)
                form.add_error("code", str(problem))
            else:
                request.session[SESSION_INVITATION] = str(invitation.public_id)
                return redirect("enrolment:account")
    return render(request, "enrolment/start.html", {"form": form})


@require_GET
def accept_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_by_link(token)
    except services.InvitationError as problem:
        return render(
            request,
            "enrolment/start.html",
            {"form": CodeForm(), "problem": str(problem)},
            status=410,
        )
    request.session[SESSION_INVITATION] = str(invitation.public_id)
    return redirect("enrolment:account")


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The invited patient chooses how to sign in."""
    public_id = request.session.get(SESSION_INVITATION)
    invitation = (
        Invitation.objects.select_related("clinic", "patient").filter(public_id=public_id).first()
        if public_id
        else None
    )
    if invitation is None or not invitation.is_usable:
        messages.info(request, _("Please start with your invitation code or link."))
        return redirect("enrolment:start")
    initial = {"email": invitation.email, "preferred_name": invitation.patient.first_name}
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                preferred_name=form.cleaned_data["preferred_name"],
            )
        except services.InvitationError as problem:
            form.add_error(None, str(problem))
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            request.session.pop(SESSION_INVITATION, None)
            login(request, user, backend="taperwell.accounts.backends.PasswordBackend")
            return redirect("enrolment:welcome")
    return render(request, "enrolment/account.html", {"form": form, "invitation": invitation})


def _attach_errors(form: AccountForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error("password", error.messages)


@require_http_methods(["GET", "POST"])
@patient_required
def welcome(request: HttpRequest) -> HttpResponse:
    """What the program is, in plain words, and consent."""
    patient = own_patient_record(request, what="program consent", write=request.method == "POST")
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_give(
            patient=patient, wants_to_taper=form.wants_to_taper(), request=request
        )
        messages.success(
            request,
            _("Welcome, %(name)s. We are glad you are here.") % {"name": patient.first_name},
        )
        return redirect("today:today")
    return render(
        request,
        "enrolment/welcome.html",
        {"form": form, "patient": patient, "clinic": patient.clinic},
    )
