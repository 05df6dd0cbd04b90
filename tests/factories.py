"""Small builders for the people and places the tests talk about."""

from __future__ import annotations

import itertools
import time
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from taperwell.accounts.models import User
from taperwell.clinics.models import Clinic, Membership, Role
from taperwell.enrolment.models import Consent
from taperwell.enrolment.services import CONSENT_VERSION
from taperwell.patients.models import CareTeamMember, CareTeamRole, Patient, PatientStatus

PASSWORD = "a-long-test-password"
_counter = itertools.count(1)


def make_clinic(name: str = "Riverside Test Clinic", **fields: object) -> Clinic:
    n = next(_counter)
    return Clinic.objects.create(name=name, slug=f"clinic-{n}", **fields)


def make_user(email: str | None = None, full_name: str = "Test Person") -> User:
    email = email or f"person{next(_counter)}@example.org"
    return User.objects.create_user(email=email, password=PASSWORD, full_name=full_name)


def make_staff(
    clinic: Clinic,
    role: str = Role.CLINICIAN,
    *,
    totp: bool = True,
    email: str | None = None,
    full_name: str = "Dr. Test Clinician",
) -> User:
    user = make_user(email, full_name)
    Membership.objects.create(user=user, clinic=clinic, role=role)
    if totp:
        give_totp(user)
    return user


def give_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, steps_ago: int = 0) -> str:
    """The code an authenticator app shows now, or `steps_ago` 30-second steps earlier."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 - steps_ago))


def make_patient(
    clinic: Clinic,
    *,
    consented: bool = True,
    clinician: User | None = None,
    email: str | None = None,
    full_name: str = "Pat Example",
) -> Patient:
    user = make_user(email, full_name)
    Membership.objects.create(user=user, clinic=clinic, role=Role.PATIENT)
    patient = Patient.objects.create(
        user=user, clinic=clinic, full_name=full_name, status=PatientStatus.ACTIVE
    )
    if consented:
        Consent.objects.create(patient=patient, text_version=CONSENT_VERSION, text_digest="x")
    if clinician is not None:
        CareTeamMember.objects.create(
            patient=patient, member=clinician.membership, role=CareTeamRole.PRIMARY
        )
    return patient


def record_second_factor(client: Any, user: User) -> None:
    """Mark the client's session as having typed `user`'s authenticator code, as allauth does."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.models import Authenticator

    device = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if device is None:
        return
    session = client.session
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "id": device.pk, "type": device.type},
    ]
    session.save()
