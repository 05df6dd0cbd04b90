"""The services and selectors the patient side calls, working end to end."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from taperwell.care.models import CareNotice, Flag, FlagEvent, FlagEventKind
from taperwell.care.selectors import open_flags
from taperwell.care.services import bumps_evaluate, flag_raise
from taperwell.medications.models import PatientMedication
from taperwell.medications.selectors import active_medications
from taperwell.tapering.models import PauseRequest, PlanStatus, TaperEvent, TaperEventKind
from taperwell.tapering.selectors import current_plan, dose_change_dates, plan_steps_for_patient
from taperwell.tapering.services import pause_request_create, plan_approve, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db


def test_raising_the_same_flag_twice_stores_it_once(patient):
    first = flag_raise(
        patient=patient,
        rule="pain-worse",
        severity="moderate",
        reason="pain up",
        action="slow",
        day=date(2026, 3, 1),
        source="bump-rules",
    )
    again = flag_raise(
        patient=patient,
        rule="pain-worse",
        severity="moderate",
        reason="pain up",
        action="slow",
        day=date(2026, 3, 1),
        source="bump-rules",
    )
    assert first.pk == again.pk
    assert Flag.objects.count() == 1
    assert FlagEvent.objects.filter(kind=FlagEventKind.RAISED).count() == 1


def test_an_urgent_flag_notifies_the_care_team_without_health_details(
    patient, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flag = flag_raise(
            patient=patient,
            rule="self-harm",
            severity="urgent",
            reason="PHQ-9 item 9 answered 1 (thoughts of self-harm)",
            action="crisis",
            day=date(2026, 3, 1),
            source="questionnaire",
        )
    assert CareNotice.objects.filter(user=clinician, flag=flag).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [clinician.email]
    text = (message.subject + message.body).lower()
    for secret in ("maria", "alvarez", "self-harm", "phq", "harm", "opioid"):
        assert secret not in text
    assert open_flags(patient)[0].severity == "urgent"


def test_an_urgent_flag_is_notified_once_even_when_raised_twice(
    patient, clinician, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            flag_raise(
                patient=patient,
                rule="self-harm",
                severity="urgent",
                reason="x",
                action="crisis",
                day=date(2026, 3, 1),
                source="check-in",
            )
    assert len(mail.outbox) == 1


def test_a_pause_request_is_stored_logged_on_the_plan_and_raised_as_a_flag(patient, clinician):
    oxycodone_er(patient, clinician)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(date(2026, 1, 5)))
    plan_approve(plan=plan, by=clinician, agreement="Agreed 10% a month.", today=date(2026, 1, 5))
    request = pause_request_create(patient=patient, reason="Hard week", by=patient.user)
    assert request.status == "open"
    assert request.plan == plan
    assert TaperEvent.objects.filter(plan=plan, kind=TaperEventKind.PAUSE_REQUESTED).exists()
    flag = Flag.objects.get(patient=patient, rule="pause-request")
    assert flag.severity == "moderate"
    assert "Hard week" in flag.reason
    assert PauseRequest.objects.count() == 1


def test_the_patient_sees_only_the_approved_plan_in_plain_words(patient, clinician):
    oxycodone_er(patient, clinician)
    start = date(2026, 1, 5)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    assert current_plan(patient) is None
    assert plan_steps_for_patient(current_plan(patient), today=start)["current"] is None
    plan_approve(plan=plan, by=clinician, agreement="Agreed.", today=start)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    steps = plan_steps_for_patient(current_plan(patient), today=start)
    assert steps["current"]["start_date"] == start.isoformat()
    assert steps["current"]["mme_per_day"] < 90
    assert "oxycodone" in steps["current"]["text"].lower() or steps["current"]["text"]
    assert steps["next"] is not None
    assert steps["paused"] is False
    assert dose_change_dates(patient)[0] == start


def test_active_medications_leave_out_stopped_and_mistaken_entries(patient, clinician):
    kept = oxycodone_er(patient, clinician)
    PatientMedication.objects.create(
        patient=patient, drug="gabapentin", strength=Decimal(300), unit="mg", status="stopped"
    )
    PatientMedication.objects.create(
        patient=patient, drug="tramadol", strength=Decimal(50), unit="mg", status="entered_in_error"
    )
    assert active_medications(patient) == [kept]


def test_bump_rules_store_new_flags_from_the_check_ins(patient):
    from taperwell.checkins.models import CheckIn

    today = date(2026, 3, 10)
    for n in range(14):
        day = today - timedelta(days=13 - n)
        severe = n >= 11
        CheckIn.objects.create(
            patient=patient,
            day=day,
            pain=5,
            sleep=6,
            mood=6,
            withdrawal=9 if severe else 2,
            craving=2,
            self_harm_thoughts=n == 13,
            prn_doses=0,
        )
    raised = bumps_evaluate(patient=patient, today=today)
    rules = {f.rule for f in raised}
    assert "self-harm" in rules
    assert bumps_evaluate(patient=patient, today=today) == []
