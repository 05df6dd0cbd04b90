"""Loading the demo clinic. Idempotent: running it again changes nothing."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from taperwell.accounts.models import User
from taperwell.clinics.models import Clinic, Membership, Role
from taperwell.demo import clinic as demo
from taperwell.demo import ehr
from taperwell.enrolment.models import Consent, Invitation, InvitationMethod
from taperwell.enrolment.services import CONSENT_VERSION, consent_text_digest
from taperwell.medications import demo as medications_demo
from taperwell.patients.models import CareTeamMember, CareTeamRole, Patient, PatientStatus


def _user(email: str, full_name: str, preferred_name: str = "") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=demo.DEMO_PASSWORD,
            full_name=full_name,
            preferred_name=preferred_name,
        )
    return user


@transaction.atomic
def demo_load() -> Clinic:
    clinic, _ = Clinic.objects.get_or_create(slug=demo.CLINIC["slug"], defaults=demo.CLINIC)
    members: dict[str, Membership] = {}
    for email, full_name, role, title in demo.STAFF:
        user = _user(email, full_name)
        members[email], _ = Membership.objects.get_or_create(
            user=user, defaults={"clinic": clinic, "role": role, "title": title}
        )
    counsellor = members["counsellor@example.org"]
    enrolled = timezone.now() - timedelta(days=120)
    for email, full_name, preferred, wants_taper, primary in demo.PATIENTS:
        user = _user(email, full_name, preferred)
        Membership.objects.get_or_create(
            user=user, defaults={"clinic": clinic, "role": Role.PATIENT}
        )
        patient, created = Patient.objects.get_or_create(
            user=user,
            defaults={
                "clinic": clinic,
                "full_name": full_name,
                "preferred_name": preferred,
                "status": PatientStatus.ACTIVE,
                "wants_to_taper": wants_taper,
                "enrolled_at": enrolled,
                **_identity(email),
            },
        )
        if created:
            CareTeamMember.objects.create(
                patient=patient, member=members[primary], role=CareTeamRole.PRIMARY
            )
            CareTeamMember.objects.create(
                patient=patient, member=counsellor, role=CareTeamRole.BEHAVIOURAL_HEALTH
            )
            Consent.objects.create(
                patient=patient,
                text_version=CONSENT_VERSION,
                text_digest=consent_text_digest(clinic),
            )
    for full_name, email in demo.INVITED:
        if not Patient.objects.filter(clinic=clinic, full_name=full_name).exists():
            patient = Patient.objects.create(clinic=clinic, full_name=full_name)
            Invitation.objects.create(
                clinic=clinic,
                patient=patient,
                method=InvitationMethod.EMAIL,
                email=email,
                created_by=members["frontdesk@example.org"].user,
                expires_at=timezone.now() + timedelta(days=14),
                email_sent_at=timezone.now(),
            )
    for app in (
        "medications",
        "checkins",
        "care",
        "tapering",  # after care, which makes the demo plans
        "goals",
        "skills",
        "messaging",
        "community",
        "meetings",
        "notifications",
        "monitoring",
        "rtm",
    ):
        _load_app_history(app, clinic)
    # After the plans (care's demo): a dose card's mark is what that day's dose said.
    medications_demo.load_doses_taken(clinic)
    ehr.load(clinic)  # after the medicine lists, so the import sees what is listed
    return clinic


def _load_app_history(app: str, clinic: Clinic) -> None:
    """Each domain app may add its part of the demo story in `taperwell/<app>/demo.py`."""
    try:
        module = importlib.import_module(f"taperwell.{app}.demo")
    except ModuleNotFoundError as error:
        if error.name != f"taperwell.{app}.demo":
            raise
        return
    module.load(clinic)


def demo_sign_ins() -> list[tuple[str, str]]:
    rows = [(email, title) for email, _, _, title in demo.STAFF]
    rows += [(email, f"patient ({preferred})") for email, _, preferred, _, _ in demo.PATIENTS]
    return rows


def _identity(email: str) -> dict[str, object]:
    """The demo patient's birth date, record number, phone and language, when given."""
    from datetime import date

    if email not in demo.IDENTITY:
        return {}
    born, number, phone, language = demo.IDENTITY[email]
    return {
        "date_of_birth": date.fromisoformat(born),
        "record_number": number,
        "phone": phone,
        "preferred_language": language,
    }
