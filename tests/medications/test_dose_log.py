"""The dose log: a "Taken" tap on a dose card, once per tap, undone for the day only, by the
patient alone, on the clinic's day; the cards come from the dose of record."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from taperwell.medications.dose_cards import day_log, dose_cards, line_key, next_change
from taperwell.medications.models import DoseLog, DoseSlot, PatientMedication
from taperwell.medications.selectors import dose_of_record
from taperwell.medications.services import (
    DoseLogClosedError,
    DoseNotOnRecordError,
    doselog_record,
    doselog_undo,
)
from taperwell.tapering.selectors import current_plan, plan_steps_for_patient
from taperwell.tapering.services import plan_approve, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db

# 15:00 UTC is 07:00 in Los Angeles (winter): the clinic's day is the same as UTC's.
MORNING_UTC = datetime(2026, 1, 6, 15, 0, tzinfo=UTC)


@pytest.fixture
def on_oxycodone(patient, clinician):
    oxycodone_er(patient, clinician)  # 30 mg at 08:00 and 20:00
    PatientMedication.objects.create(
        patient=patient,
        drug="oxycodone",
        form="tablet",
        release="IR",
        strength=Decimal(5),
        unit="mg",
        as_needed=True,
        max_prn_per_day=3,
    )
    patient.clinic.time_zone = "America/Los_Angeles"
    patient.clinic.save()
    return patient


def _tap(patient, **fields):
    fields.setdefault("key", uuid.uuid4())
    fields.setdefault("now", MORNING_UTC)
    return doselog_record(patient=patient, by=patient.user, **fields)


def test_marking_the_morning_card_taken_records_what_the_dose_of_record_says(on_oxycodone):
    rows = _tap(on_oxycodone, time="08:00")

    assert len(rows) == 1
    row = DoseLog.objects.get()
    assert row.slot == DoseSlot.MORNING
    assert row.product == "oxycodone ER tablet"
    assert row.amount == Decimal(30)
    assert row.source == "patient"
    assert row.day == date(2026, 1, 6)


def test_the_same_tap_sent_twice_is_recorded_once(on_oxycodone):
    key = uuid.uuid4()
    _tap(on_oxycodone, time="08:00", key=key)
    _tap(on_oxycodone, time="08:00", key=key)

    assert DoseLog.objects.count() == 1


def test_a_second_tap_on_a_card_already_marked_adds_nothing(on_oxycodone):
    _tap(on_oxycodone, time="08:00")
    _tap(on_oxycodone, time="08:00")

    assert DoseLog.objects.filter(undone_at__isnull=True).count() == 1


def test_each_as_needed_dose_is_its_own_mark(on_oxycodone):
    prn = line_key(next(x for x in dose_of_record(on_oxycodone).lines if x.as_needed))
    _tap(on_oxycodone, line=prn)
    _tap(on_oxycodone, line=prn)

    assert DoseLog.objects.filter(slot=DoseSlot.AS_NEEDED).count() == 2


def test_undo_takes_the_mark_back_and_keeps_the_row(on_oxycodone):
    key = uuid.uuid4()
    _tap(on_oxycodone, time="20:00", key=key)

    undone = doselog_undo(patient=on_oxycodone, by=on_oxycodone.user, key=key, now=MORNING_UTC)

    assert len(undone) == 1
    row = DoseLog.objects.get()
    assert row.undone_at is not None
    record = dose_of_record(on_oxycodone, on=date(2026, 1, 6))
    cards, _ = dose_cards(record, log=day_log(on_oxycodone, date(2026, 1, 6)))
    assert not any(card.is_taken for card in cards)
    # Marked again after the undo: a new mark, the old row still there.
    _tap(on_oxycodone, time="20:00")
    assert DoseLog.objects.count() == 2
    assert DoseLog.objects.filter(undone_at__isnull=True).count() == 1


def test_undoing_twice_changes_nothing_the_second_time(on_oxycodone):
    key = uuid.uuid4()
    _tap(on_oxycodone, time="08:00", key=key)
    doselog_undo(patient=on_oxycodone, by=on_oxycodone.user, key=key, now=MORNING_UTC)

    again = doselog_undo(patient=on_oxycodone, by=on_oxycodone.user, key=key, now=MORNING_UTC)

    assert again == []


def test_a_mark_of_an_earlier_day_cannot_be_undone(on_oxycodone):
    key = uuid.uuid4()
    _tap(on_oxycodone, time="08:00", key=key)

    with pytest.raises(DoseLogClosedError):
        doselog_undo(
            patient=on_oxycodone,
            by=on_oxycodone.user,
            key=key,
            now=MORNING_UTC + timedelta(days=1),
        )
    assert DoseLog.objects.get().undone_at is None


def test_another_patient_cannot_mark_this_patients_dose(on_oxycodone, other_patient):
    with pytest.raises(PermissionDenied):
        doselog_record(
            patient=on_oxycodone,
            by=other_patient.user,
            key=uuid.uuid4(),
            time="08:00",
            now=MORNING_UTC,
        )
    assert not DoseLog.objects.exists()


def test_another_patient_cannot_undo_this_patients_mark(on_oxycodone, other_patient):
    key = uuid.uuid4()
    _tap(on_oxycodone, time="08:00", key=key)

    with pytest.raises(PermissionDenied):
        doselog_undo(patient=on_oxycodone, by=other_patient.user, key=key, now=MORNING_UTC)
    assert DoseLog.objects.get().undone_at is None


@pytest.mark.parametrize("persona", ["clinician", "front_desk", "clinic_admin"])
def test_the_care_team_cannot_mark_a_dose_for_the_patient(on_oxycodone, persona, request):
    staff = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        doselog_record(
            patient=on_oxycodone, by=staff, key=uuid.uuid4(), time="08:00", now=MORNING_UTC
        )
    assert not DoseLog.objects.exists()


def test_the_day_is_the_clinics_day_not_utcs(on_oxycodone):
    # 02:30 UTC on Jan 7 is 18:30 on Jan 6 in Los Angeles: the evening dose of Jan 6.
    late = datetime(2026, 1, 7, 2, 30, tzinfo=UTC)

    _tap(on_oxycodone, time="20:00", now=late)

    assert DoseLog.objects.get().day == date(2026, 1, 6)


def test_a_time_not_in_todays_dose_is_refused(on_oxycodone):
    with pytest.raises(DoseNotOnRecordError):
        _tap(on_oxycodone, time="13:00")
    assert not DoseLog.objects.exists()


def test_the_cards_follow_the_approved_plans_step_not_the_prescription(patient, clinician):
    start = date(2026, 1, 5)
    oxycodone_er(patient, clinician)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    plan_approve(plan=plan, by=clinician, agreement="Ten percent a month.", today=start)
    day = start + timedelta(days=30)  # the second step
    record = dose_of_record(patient, on=day)

    cards, as_needed = dose_cards(record)

    assert record.from_plan
    assert [c.label for c in cards] == ["Morning", "Evening"]
    planned = {a.time: a.amount for line in record.lines for a in line.administrations}
    assert {c.time: sum(i.amount for i in c.items) for c in cards} == planned
    assert as_needed == []


def test_the_next_change_is_one_line_with_the_time_of_day_and_a_us_date(patient, clinician):
    start = date(2026, 1, 5)
    oxycodone_er(patient, clinician)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    plan_approve(plan=plan, by=clinician, agreement="Ten percent a month.", today=start)
    day = start + timedelta(days=1)
    steps = plan_steps_for_patient(current_plan(patient), today=day)
    record = dose_of_record(patient, on=day)

    change = next_change(record, steps)

    assert change is not None
    assert change["on"] == date.fromisoformat(steps["next"]["start_date"])
    before = {a.time: a.amount for a in record.lines[0].administrations}
    assert change["changes"], "the next step lowers a dose"
    for text in change["changes"]:
        part, amounts = text.split(" ", 1)
        assert part in {"morning", "evening"}
        time = "08:00" if part == "morning" else "20:00"
        assert amounts.startswith(f"{before[time].normalize():f} → ")
        assert amounts.endswith(" mg")


def _step(start, evening_units, *, prn_most=3, morning=20):
    return {
        "start_date": start,
        "medications": [
            {
                "drug": "oxycodone",
                "release": "ER",
                "form": "tablet",
                "unit": "mg",
                "daily_dose": morning + sum(s * c for s, c in evening_units),
                "administrations": {
                    "08:00": [{"strength": morning, "count": 1}],
                    "20:00": [{"strength": s, "count": c} for s, c in evening_units],
                },
            },
            {
                "drug": "oxycodone",
                "release": "IR",
                "form": "tablet",
                "unit": "mg",
                "daily_dose": 5 * prn_most,
                "as_needed": True,
                "administrations": {"as needed": [{"strength": 5, "count": prn_most}]},
            },
        ],
    }


def test_the_next_change_names_the_medicine_only_when_the_words_could_mean_another():
    steps = {
        "current": _step("2026-12-02", [(15, 1), (10, 1)]),
        "next": _step("2026-12-30", [(20, 1)]),
        "paused": False,
    }

    change = next_change(None, steps)

    assert change == {"on": date(2026, 12, 30), "changes": ["evening 25 → 20 mg"]}


def test_when_two_medicines_change_each_change_says_which():
    steps = {
        "current": _step("2026-12-02", [(20, 1)]),
        "next": _step("2026-12-30", [(15, 1)], prn_most=2),
        "paused": False,
    }

    change = next_change(None, steps)

    assert change["changes"] == [
        "evening oxycodone ER tablet 20 → 15 mg",
        "oxycodone IR tablet as needed up to 3 → 2 a day",
    ]


def test_a_paused_taper_shows_no_next_change():
    steps = {
        "current": _step("2026-12-02", [(20, 1)]),
        "next": _step("2026-12-30", [(15, 1)]),
        "paused": True,
    }

    assert next_change(None, steps) is None
