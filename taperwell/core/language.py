"""Which language a page speaks: the patient's own choice, English for staff.

Django's `LocaleMiddleware` (earlier in MIDDLEWARE) reads the browser's Accept-Language, so the
sign-in page and the crisis page follow the browser before anyone signs in. Once someone has
signed in, this middleware decides instead: a patient sees their `preferred_language` (chosen
at invitation, changed on the account page), and the care team's pages stay English, because
staff pages are not translated yet and a half-translated clinical page is worse than none.

Work done outside a request (reminder emails, pushes, the calendar feed, the export) uses
`language_for_patient` / `language_for_user` with `django.utils.translation.override`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from taperwell.accounts.models import User
    from taperwell.patients.models import Patient

STAFF_LANGUAGE = "en"


def supported(code: str | None) -> str:
    """`code` when the site offers it, else the site's default language."""
    codes = {code for code, _name in settings.LANGUAGES}
    if code and code in codes:
        return code
    return settings.LANGUAGE_CODE.split("-")[0]


def language_for_patient(patient: Patient) -> str:
    return supported(getattr(patient, "preferred_language", None))


def language_for_user(user: User | AnonymousUser) -> str | None:
    """The language a signed-in person's pages and messages use; None when not known."""
    from taperwell.access import membership_of
    from taperwell.clinics.models import Role
    from taperwell.patients.models import Patient

    if not getattr(user, "is_authenticated", False):
        return None
    membership = membership_of(user)
    if membership is not None and membership.role != Role.PATIENT:
        return STAFF_LANGUAGE
    code = Patient.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    return supported(code) if code else None


class PersonLanguageMiddleware:
    """After sign-in, the person's language replaces the browser's (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._language(request)
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)

    @staticmethod
    def _language(request: HttpRequest) -> str | None:
        from taperwell.access import membership_of, own_patient
        from taperwell.clinics.models import Role

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        membership = membership_of(user)
        if membership is not None and membership.role != Role.PATIENT:
            return STAFF_LANGUAGE
        patient = own_patient(request)
        if patient is not None:
            return language_for_patient(patient)
        return STAFF_LANGUAGE if membership is None and user.is_staff else None
