"""The dose of record: the approved plan's step in force, else the medicine list."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from taperwell.medications.models import MedicationStatus, NaloxonePlan, PatientMedication
from taperwell.medications.selectors import (
    DoseSource,
    NaloxoneState,
    dose_of_record,
    doses_of_record,
    naloxone_status,
)
from taperwell.tapering.services import plan_approve, plan_complete, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)


def _prn_oxycodone(patient, *, most=3):
    return PatientMedication.objects.create(
        patient=patient,
        drug="oxycodone",
        form="tablet",
        release="IR",
        strength=Decimal(5),
        unit="mg",
        as_needed=True,
        max_prn_per_day=most,
    )


def _approved_plan(patient, clinician, start=START):
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    # Approved on the day it began: a draft dated in the past is otherwise re-dated to today.
    return plan_approve(plan=plan, by=clinician, agreement="Ten percent a month.", today=start)


def test_with_no_medicines_entered_the_dose_is_unknown_never_zero(patient):
    record = dose_of_record(patient, on=START)
    assert record.mme_per_day is None
    assert record.source == DoseSource.MEDICINES
    assert record.lines == ()


def test_without_a_plan_the_medicine_list_is_the_dose_with_as_needed_at_their_most(
    patient, clinician
):
    oxycodone_er(patient, clinician)
    _prn_oxycodone(patient)
    record = dose_of_record(patient, on=START)
    assert record.source == DoseSource.MEDICINES
    assert record.mme_per_day == Decimal("112.5")  # 60 mg ER x 1.5 + 15 mg IR x 1.5
    assert record.scheduled_mme_per_day == Decimal("90")
    assert [line.text for line in record.lines] == [
        "oxycodone ER tablet: 30 mg at 08:00; 30 mg at 20:00",
        "oxycodone IR tablet: 5 mg as needed, at most 3 a day",
    ]


def test_a_list_with_only_other_medicines_counts_zero_mme(patient):
    PatientMedication.objects.create(
        patient=patient, drug="gabapentin", strength=Decimal(300), unit="mg", times=["08:00"]
    )
    assert dose_of_record(patient, on=START).mme_per_day == Decimal(0)


def test_an_opioid_without_a_dose_makes_the_mme_unknown_with_a_reason(patient):
    PatientMedication.objects.create(patient=patient, drug="oxycodone", unit="tablet")
    record = dose_of_record(patient, on=START)
    assert record.mme_per_day is None
    assert "not counted" in record.warnings[0]


def test_the_approved_plans_step_in_force_replaces_the_scheduled_prescription(patient, clinician):
    er = oxycodone_er(patient, clinician)
    _prn_oxycodone(patient)
    plan = _approved_plan(patient, clinician)
    third = plan.schedule["steps"][2]
    day = date.fromisoformat(third["start_date"]) + timedelta(days=1)
    record = dose_of_record(patient, on=day)
    assert record.source == DoseSource.PLAN
    assert record.plan_id == plan.public_id
    assert record.step_index == third["index"]
    assert record.since == date.fromisoformat(third["start_date"])
    # the step (67.5) plus the as-needed oxycodone the plan does not taper (22.5)
    assert record.scheduled_mme_per_day == Decimal("67.5")
    assert record.mme_per_day == Decimal("90")
    assert [m.pk for m in record.replaced] == [er.pk]
    plan_line = record.lines[0]
    assert plan_line.source == DoseSource.PLAN
    assert plan_line.daily_dose == Decimal(45)
    assert plan_line.text == "oxycodone ER tablet: 20 mg at 08:00; 15 mg + 10 mg at 20:00"
    assert plan_line.regimen_entry() == {
        "drug": "oxycodone",
        "doses": {"08:00": "20", "20:00": "25"},
        "release": "ER",
        "form": "tablet",
        "unit": "mg",
    }
    assert record.lines[1].as_needed


def test_before_the_plans_first_step_the_medicine_list_still_holds(patient, clinician):
    oxycodone_er(patient, clinician)
    _approved_plan(patient, clinician)
    record = dose_of_record(patient, on=START - timedelta(days=1))
    assert record.source == DoseSource.MEDICINES
    assert record.mme_per_day == Decimal(90)


def test_a_draft_is_never_the_dose_of_record(patient, clinician):
    oxycodone_er(patient, clinician)
    plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(START))
    assert dose_of_record(patient, on=START + timedelta(days=60)).source == DoseSource.MEDICINES


def test_a_completed_plan_holds_until_the_day_it_was_completed(patient, clinician):
    med = oxycodone_er(patient, clinician)
    plan = _approved_plan(patient, clinician)
    last = date.fromisoformat(plan.schedule["steps"][-1]["start_date"])
    done = last + timedelta(days=10)
    plan_complete(plan=plan, by=clinician, on=done, reason="Done.")
    med.status = MedicationStatus.STOPPED
    med.stopped_on = last
    med.save()
    assert dose_of_record(patient, on=done - timedelta(days=1)).source == DoseSource.PLAN
    after = dose_of_record(patient, on=done)
    assert after.source == DoseSource.MEDICINES
    assert after.mme_per_day == Decimal(0)  # every medicine stopped: a known zero
    assert after.since == last
    assert dose_of_record(patient, on=START - timedelta(days=400)).mme_per_day == Decimal(90)


def test_before_any_medicine_on_the_list_started_the_dose_is_unknown(patient, clinician):
    med = oxycodone_er(patient, clinician)
    med.started_on = START
    med.save()
    record = dose_of_record(patient, on=START - timedelta(days=1))
    assert record.mme_per_day is None
    assert record.warnings == ("No medicine on the list had started by this day.",)


def test_the_batch_form_gives_the_same_answers(patient, other_patient, clinician):
    oxycodone_er(patient, clinician)
    _approved_plan(patient, clinician)
    day = START + timedelta(days=70)
    batch = doses_of_record([patient, other_patient], on=day)
    assert batch[patient.pk] == dose_of_record(patient, on=day)
    assert batch[other_patient.pk].mme_per_day is None


def test_naloxone_status_joins_the_patients_plan_and_the_medicine_list(patient):
    today = date(2026, 3, 1)
    assert naloxone_status(patient, today=today).state == NaloxoneState.UNKNOWN
    PatientMedication.objects.create(patient=patient, drug="naloxone", form="spray")
    assert naloxone_status(patient, today=today).state == NaloxoneState.PRESCRIBED
    NaloxonePlan.objects.create(
        patient=patient, has_naloxone=True, expires_on=today + timedelta(days=21)
    )
    status = naloxone_status(patient, today=today)
    assert status.state == NaloxoneState.AT_HOME
    assert status.expires_soon
    assert status.words == "At home, expires Mar 22, 2026 (in 21 days)"
    assert naloxone_status(patient, today=today + timedelta(days=30)).state == (
        NaloxoneState.EXPIRED
    )


def test_a_patient_who_says_none_at_home_is_not_shown_as_having_it(patient):
    PatientMedication.objects.create(patient=patient, drug="naloxone", form="spray")
    NaloxonePlan.objects.create(patient=patient, has_naloxone=False)
    status = naloxone_status(patient, today=date(2026, 3, 1))
    assert status.state == NaloxoneState.PRESCRIBED
    assert not status.expires_soon


def test_a_new_draft_can_start_from_the_dose_of_record(patient, clinician):
    from taperwell.tapering.engine import schedule_json

    oxycodone_er(patient, clinician)
    plan = _approved_plan(patient, clinician)
    day = date.fromisoformat(plan.schedule["steps"][2]["start_date"])
    record = dose_of_record(patient, on=day)
    regimen = [entry for line in record.lines if (entry := line.regimen_entry())]
    inputs = {**ten_percent_inputs(day), "medications": regimen}
    assert schedule_json(inputs, [])["baseline_mme_per_day"] == 67.5
