"""Who may see what. Every view loads protected things through these helpers.

- `role_required(...)` guards a view by role: anonymous → sign-in page, wrong role → 403.
- `patients_visible_to(user)` scopes every list of patients to the user's clinic (or self).
- `patient_for_user(request, public_id)` loads one patient or raises 404, and is the one place
  that writes the read-audit row for a patient's record (`export=True` for a download).
- `patients_listed(request, patients, what=...)` writes the read-audit rows for a list page:
  one per patient it showed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from taperwell.audit.models import AuditAction
from taperwell.audit.services import audit_record, audit_record_list
from taperwell.clinics.models import CARE_ROLES, Clinic, Membership, Role
from taperwell.core.prepared import Prepared
from taperwell.patients.models import Patient

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from taperwell.accounts.models import User

View = TypeVar("View", bound=Callable[..., HttpResponse])


def membership_of(user: User | AnonymousUser) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    membership: Membership | None = getattr(user, "membership", None)
    if membership is None or not membership.is_active:
        return None
    return membership


def role_of(user: User | AnonymousUser) -> str | None:
    membership = membership_of(user)
    return membership.role if membership else None


def clinic_of(user: User | AnonymousUser) -> Clinic | None:
    membership = membership_of(user)
    return membership.clinic if membership else None


def role_required(*roles: str) -> Callable[[View], View]:
    """Anonymous people go to sign-in; signed-in people without one of `roles` get 403."""
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


care_team_required = role_required(*CARE_ROLES)
patient_required = role_required(Role.PATIENT)


def patients_visible_to(user: User | AnonymousUser) -> QuerySet[Patient]:
    """Patients this person may see: their clinic's for the care team, themselves for a patient."""
    membership = membership_of(user)
    if membership is None:
        return Patient.objects.none()
    if membership.role == Role.PATIENT:
        return Patient.objects.filter(user=user, clinic_id=membership.clinic_id)
    if membership.role in CARE_ROLES:
        return Patient.objects.filter(clinic_id=membership.clinic_id)
    return Patient.objects.none()


def patient_for_user(
    request: HttpRequest,
    public_id: uuid.UUID | str,
    *,
    what: str = "patient record",
    write: bool = False,
    export: bool = False,
    roles: Iterable[str] = CARE_ROLES,
) -> Patient:
    """Load one patient the signed-in person may see, and audit the read or change.

    Another clinic's patient (or a malformed id) is a 404, so nobody learns it exists.
    `export=True` records the read as "exported" (a file that leaves taperwell: PDF, FHIR).
    """
    if role_of(request.user) not in set(roles):
        raise PermissionDenied
    try:
        patient = (
            patients_visible_to(request.user).select_related("clinic").get(public_id=public_id)
        )
    except (Patient.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such patient") from error
    audit_record(
        request=request,
        action=_read_action(write=write, export=export),
        what=what,
        patient=patient,
        object_id=str(patient.public_id),
    )
    return patient


def _read_action(*, write: bool, export: bool) -> AuditAction:
    if write:
        return AuditAction.UPDATE
    return AuditAction.EXPORT if export else AuditAction.VIEW


def patients_listed(request: HttpRequest, patients: Iterable[Patient], *, what: str) -> None:
    """Audit a list page: a row for each patient it showed (the current page, not the query)."""
    audit_record_list(request=request, what=what, patients=patients)


# Facts a domain app reads with the patient in the same query (name -> expression factory).
# The app registers its own in AppConfig.ready(), so this base module imports no domain app:
# enrolment adds `has_consent`, which every patient page checks. A factory takes the outer
# query's reference to the patient's key ("pk" on a patient query, "patient" on a user query).
OWN_PATIENT_ANNOTATIONS: dict[str, Callable[[str], Any]] = {}

_OWN_PATIENT_PREFIX = "own_patient__"
_OWN_PATIENT_LOADED = "_own_patient_loaded"


def signed_in_user(user_id: Any) -> User | None:
    """The signed-in person with their membership and clinic, and their own patient record with
    its clinic and annotations, in one query (the sign-in backends' `get_user`, per request).
    The query is prepared once per process (`taperwell.core.prepared`); each request reads the
    person's rows afresh."""
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None  # not a key this site writes into a session
    user = _SIGNED_IN_USER.first(user=key)
    if user is None:
        return None
    patient: Patient | None = getattr(user, "patient", None)  # read already; None: not a patient
    if patient is not None:
        for name in OWN_PATIENT_ANNOTATIONS:
            setattr(patient, name, getattr(user, f"{_OWN_PATIENT_PREFIX}{name}"))
    setattr(user, _OWN_PATIENT_LOADED, True)
    return user


def _signed_in_user_query(user: int) -> QuerySet[User]:
    from django.contrib.auth import get_user_model

    annotations = {
        f"{_OWN_PATIENT_PREFIX}{name}": make("patient")
        for name, make in OWN_PATIENT_ANNOTATIONS.items()
    }
    # At most one row (by key): no ordering or limit to build.
    return (
        get_user_model()
        ._default_manager.select_related("membership__clinic", "patient__clinic")
        .annotate(**annotations)
        .filter(pk=user)
        .order_by()
    )


# Built when first used: the annotations are registered by the apps' ready().
_SIGNED_IN_USER: Prepared[User] = Prepared(_signed_in_user_query, user=int)


def own_patient(request: HttpRequest) -> Patient | None:
    """The signed-in person's own patient record with its clinic, loaded once per request
    (with the user, by `signed_in_user`, or here when the user came another way)."""
    if not hasattr(request, "_own_patient"):
        user = request.user
        if not user.is_authenticated:
            patient = None
        elif getattr(user, _OWN_PATIENT_LOADED, False):
            patient = getattr(user, "patient", None)
        else:
            annotations = {name: make("pk") for name, make in OWN_PATIENT_ANNOTATIONS.items()}
            patient = (
                Patient.objects.select_related("clinic")
                .annotate(**annotations)
                .filter(user=user)
                .first()
            )
        request._own_patient = patient  # type: ignore[attr-defined]
    return request._own_patient  # type: ignore[attr-defined,no-any-return]


def own_patient_change(request: HttpRequest, *, what: str) -> tuple[Patient, Callable[[], object]]:
    """The signed-in patient's own record for a change they are making, and its audit row to be
    written by the change itself, inside its own transaction: one write (and on SQLite one turn
    of the database's write lock) for the row and its audit. A change that fails before its
    transaction commits must still write it (`record()` in the caller's failure path)."""
    patient = own_patient(request)
    if patient is None:
        raise Http404("No patient record")

    def record() -> object:
        return audit_record(
            request=request,
            action=AuditAction.UPDATE,
            what=what,
            patient=patient,
            object_id=str(patient.public_id),
        )

    return patient, record


def own_patient_record(
    request: HttpRequest, *, what: str, write: bool = False, export: bool = False
) -> Patient:
    """The signed-in patient's own record, audited like any other read."""
    patient = own_patient(request)
    if patient is None:
        raise Http404("No patient record")
    audit_record(
        request=request,
        action=_read_action(write=write, export=export),
        what=what,
        patient=patient,
        object_id=str(patient.public_id),
    )
    return patient
