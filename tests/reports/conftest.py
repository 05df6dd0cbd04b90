from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_clinic(db, django_capture_on_commit_callbacks):
    from taperwell.demo.services import demo_load

    with django_capture_on_commit_callbacks(execute=True):
        return demo_load()


@pytest.fixture
def maria(demo_clinic, django_capture_on_commit_callbacks):
    """The demo's Maria, with a medicine list, an approved plan that has stepped, and flags,
    whether or not the demo loaders of those apps have run."""
    from taperwell.care.models import Flag
    from taperwell.care.services import flag_acknowledge, flag_raise, flag_resolve
    from taperwell.checkins.selectors import clinic_today
    from taperwell.medications.models import PatientMedication
    from taperwell.patients.models import Patient
    from taperwell.tapering.selectors import current_plan
    from taperwell.tapering.services import plan_approve, plan_draft
    from tests.care.builders import oxycodone_er, ten_percent_inputs

    patient = Patient.objects.select_related("clinic", "user").get(user__email="maria@example.org")
    clinician = patient.care_team.get(role="primary").member.user
    today = clinic_today(patient.clinic)
    if not PatientMedication.objects.filter(patient=patient).exists():
        oxycodone_er(patient, by=clinician)
    if current_plan(patient) is None:
        plan = plan_draft(
            patient=patient, by=clinician, inputs=ten_percent_inputs(today - timedelta(days=62))
        )
        plan_approve(
            plan=plan,
            by=clinician,
            agreement="Ten percent a month, agreed together.",
            today=today - timedelta(days=62),
        )
    with django_capture_on_commit_callbacks(execute=True):
        if not Flag.objects.filter(patient=patient).exists():
            flag_raise(
                patient=patient,
                rule="withdrawal-severe",
                severity="high",
                reason="Withdrawal 8 of 10 two days after a step",
                action="slow",
                day=today - timedelta(days=4),
                source="bump-rules",
            )
        flag = Flag.objects.filter(patient=patient).order_by("day").first()
        if flag.status == "open":
            flag_acknowledge(flag=flag, by=clinician, note="Called Maria")
            flag_resolve(flag=flag, by=clinician, resolution="called", note="Feeling better")
    return patient


@pytest.fixture
def maria_clinician(maria):
    from tests.factories import give_totp

    user = maria.care_team.get(role="primary").member.user
    give_totp(user)  # staff sign in with a second factor outside the demo
    return user


@pytest.fixture
def clinic_admin_of_demo(demo_clinic):
    from taperwell.accounts.models import User
    from tests.factories import give_totp

    user = User.objects.get(email="admin@example.org")
    give_totp(user)
    return user
