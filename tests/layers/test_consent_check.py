"""The patient pages' consent check, read without the enrolment app being imported by the base."""

from __future__ import annotations

import pytest

from taperwell.patients.decorators import _consented
from taperwell.patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_patient_read_without_the_annotation_is_asked_about_consent(clinic):
    given = factories.make_patient(clinic, full_name="Ana Given")
    not_given = factories.make_patient(clinic, full_name="Ben Waiting", consented=False)

    assert _consented(Patient.objects.get(pk=given.pk)) is True
    assert _consented(Patient.objects.get(pk=not_given.pk)) is False


def test_the_annotation_read_with_the_patient_is_used_as_it_is(clinic):
    not_given = factories.make_patient(clinic, full_name="Ben Waiting", consented=False)
    not_given.has_consent = True

    assert _consented(not_given) is True
