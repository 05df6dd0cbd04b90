"""Inviting a patient, accepting the invitation, and giving consent."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taperwell.accounts.models import User
from taperwell.clinics.models import Clinic, Membership, Role
from taperwell.enrolment.models import Consent, Invitation, InvitationMethod, secret_digest
from taperwell.patients.models import CareTeamMember, CareTeamRole, Patient, PatientStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

INVITATION_DAYS = 14
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read aloud and type
CONSENT_VERSION = "2026-11"
CONSENT_TEMPLATE = "enrolment/consent_text.html"
_LINK_SALT = "taperwell.enrolment.invitation"


class InvitationError(Exception):
    """An invitation that cannot be used; the message is written for the patient."""


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    code: str | None  # shown once, for printing; only its digest is stored


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def invitation_link_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=_LINK_SALT)


@transaction.atomic
def invitation_create(
    *,
    clinic: Clinic,
    created_by: User,
    full_name: str,
    method: str,
    email: str = "",
    primary_clinician: Membership | None = None,
    date_of_birth: date | None = None,
    record_number: str = "",
    phone: str = "",
    preferred_language: str = "en",
) -> NewInvitation:
    """Create the patient's record and an invitation; an email invitation is sent by a job."""
    from taperwell.enrolment.tasks import send_due_invitation_emails

    email = email.strip().lower()
    patient = Patient(
        clinic=clinic,
        full_name=full_name.strip(),
        status=PatientStatus.INVITED,
        date_of_birth=date_of_birth,
        record_number=record_number.strip(),
        phone=phone.strip(),
        preferred_language=preferred_language or "en",
    )
    patient.full_clean()
    patient.save()
    if primary_clinician is not None:
        CareTeamMember.objects.create(
            patient=patient, member=primary_clinician, role=CareTeamRole.PRIMARY
        )
    code = new_code() if method == InvitationMethod.CODE else None
    invitation = Invitation(
        clinic=clinic,
        patient=patient,
        method=method,
        email=email,
        secret_hash=secret_digest(code) if code else None,
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    if method == InvitationMethod.EMAIL:
        transaction.on_commit(send_due_invitation_emails)
    return NewInvitation(invitation=invitation, code=code)


def _usable(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise InvitationError(
            _(
                "We could not find that code. Please check the letters and numbers, "
                "or ask the clinic for a new one."
            )
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            _("This invitation has already been used. If it was you, please sign in instead.")
        )
    if invitation.revoked_at is not None or invitation.is_expired:
        raise InvitationError(
            _(
                "This invitation has expired. Please ask the clinic for a new one; "
                "they can give you a fresh code in a minute."
            )
        )
    return invitation


def invitation_by_code(code: str) -> Invitation:
    found = (
        Invitation.objects.select_related("clinic", "patient")
        .filter(secret_hash=secret_digest(code), method=InvitationMethod.CODE)
        .first()
    )
    return _usable(found)


def invitation_by_link(token: str) -> Invitation:
    try:
        public_id = signing.loads(token, salt=_LINK_SALT, max_age=timedelta(days=INVITATION_DAYS))
    except signing.SignatureExpired:
        raise InvitationError(
            _("This invitation link has expired. Please ask the clinic for a new one.")
        ) from None
    except signing.BadSignature:
        raise InvitationError(
            _(
                "This link does not look complete. Try copying the whole link from the email, "
                "or ask the clinic for a printed code."
            )
        ) from None
    found = (
        Invitation.objects.select_related("clinic", "patient").filter(public_id=public_id).first()
    )
    return _usable(found)


EMAIL_NOT_USABLE = gettext_lazy(
    "We can't set up sign-in with this email. Please try another email, "
    "or call the clinic and we will help."
)
# After this many refused emails on one invitation, its account step waits a day (or for the
# clinic's help): whoever holds a code cannot go on testing which addresses have accounts.
REFUSED_EMAILS_LIMIT = 3
REFUSED_EMAILS_WINDOW = 24 * 3600


def _refused_emails_key(invitation: Invitation) -> str:
    return f"enrolment:refused-emails:{invitation.public_id}"


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, email: str, password: str, preferred_name: str = ""
) -> User:
    """Create the patient's sign-in and mark the invitation used (once only)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _usable(invitation)
    patient = invitation.patient
    refused = _refused_emails_key(invitation)
    if cache.get(refused, 0) >= REFUSED_EMAILS_LIMIT:
        raise InvitationError(
            _("Please call the clinic, and we will help you finish setting up your sign-in.")
        )
    if User.objects.filter(email__iexact=email.strip()).exists():
        # Never "this email has an account": the step must not tell whoever holds an
        # invitation code which addresses belong to people of the clinic.
        cache.add(refused, 0, timeout=REFUSED_EMAILS_WINDOW)
        cache.incr(refused)
        raise ValidationError({"email": EMAIL_NOT_USABLE})
    user = User(
        email=email.strip().lower(),
        full_name=patient.full_name,
        preferred_name=preferred_name.strip(),
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    Membership.objects.create(user=user, clinic=invitation.clinic, role=Role.PATIENT)
    patient.user = user
    if preferred_name.strip():
        patient.preferred_name = preferred_name.strip()
    patient.save(update_fields=["user", "preferred_name"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def consent_text_digest(clinic: Clinic) -> str:
    text = render_to_string(CONSENT_TEMPLATE, {"clinic": clinic})
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def consent_give(
    *, patient: Patient, wants_to_taper: bool | None, request: HttpRequest | None = None
) -> Consent:
    from taperwell.audit.models import AuditAction
    from taperwell.audit.services import audit_record, client_ip

    consent = Consent.objects.create(
        patient=patient,
        text_version=CONSENT_VERSION,
        text_digest=consent_text_digest(patient.clinic),
        ip_address=client_ip(request) if request is not None else None,
    )
    patient.status = PatientStatus.ACTIVE
    patient.wants_to_taper = wants_to_taper
    patient.enrolled_at = patient.enrolled_at or timezone.now()
    patient.save(update_fields=["status", "wants_to_taper", "enrolled_at"])
    audit_record(
        request=request,
        action=AuditAction.CONSENT,
        what="program consent",
        patient=patient,
        object_id=CONSENT_VERSION,
    )
    return consent


def has_current_consent(patient: Patient) -> bool:
    return patient.consents.filter(text_version=CONSENT_VERSION).exists()


def current_consent_given(patient: str = "pk") -> Exists:
    """`has_current_consent` as an annotation: read with the patient (or the signed-in user,
    `patient="patient"`), in the same query, by the pages that check it on every request."""
    return Exists(Consent.objects.filter(patient=OuterRef(patient), text_version=CONSENT_VERSION))


def invitation_email(invitation: Invitation) -> tuple[str, str]:
    """Subject and body of an invitation email, in the language chosen on the invitation. No
    health details: only a link."""
    from django.utils import translation

    from taperwell.core.language import language_for_patient

    link = f"{settings.SITE_URL.rstrip('/')}/enrol/i/{invitation_link_token(invitation)}/"
    with translation.override(language_for_patient(invitation.patient)):
        body = render_to_string(
            "enrolment/invitation_email.txt",
            {"invitation": invitation, "clinic": invitation.clinic, "link": link},
        )
        subject = _("Your invitation from %(clinic)s") % {"clinic": invitation.clinic.name}
    return subject, body
