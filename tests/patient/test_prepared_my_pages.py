"""The prepared reads of My medicines and Progress read what the ORM reads afresh, for every
patient of the demo clinic, with data in every column compared (the suite runs on SQLite and
PostgreSQL alike)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import models

from taperwell.medications import selectors as medications
from taperwell.medications.models import NaloxonePlan, PatientMedication, RiskProfile
from taperwell.patients.models import Patient
from taperwell.tapering.models import TaperEvent, TaperEventKind, TaperPlan

pytestmark = pytest.mark.django_db


def _columns(row: models.Model | None, *annotations: str) -> dict[str, Any] | None:
    """Every column the row was read with (deferred ones left out) and its annotations."""
    if row is None:
        return None
    read = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if field.attname in vars(row)
    }
    return read | {name: getattr(row, name) for name in annotations}


def _filled(rows: list[dict[str, Any]]) -> set[str]:
    return {name for row in rows for name, value in row.items() if value not in (None, "", [], {})}


def _patients() -> list[Patient]:
    return list(Patient.objects.order_by("pk"))


def test_the_prepared_dose_rows_read_what_the_orm_reads_for_every_demo_patient(demo):
    plan = TaperPlan.objects.filter(patient__user__email="maria@example.org").first()
    TaperEvent.objects.create(
        plan=plan, kind=TaperEventKind.COMPLETED, details={"on": date(2026, 3, 4).isoformat()}
    )
    plans_seen, medicines_seen = [], []
    for patient in _patients():
        prepared = medications._DOSE_PLANS.rows(patient=patient.pk)
        fresh = list(medications._dose_plans_query(patient=patient.pk))
        assert [_columns(p, "completed", "completed_at") for p in prepared] == [
            _columns(p, "completed", "completed_at") for p in fresh
        ], patient
        # The draft and the revisions (each as large as a schedule) are left unread: the pages
        # that read the dose of record never look at them (their query counts would show it).
        assert all("draft" not in vars(p) and "revisions" not in vars(p) for p in prepared)
        plans_seen += [_columns(p, "completed", "completed_at") for p in prepared]
        prepared_meds = medications._DOSE_MEDICINES.rows(patient=patient.pk)
        fresh_meds = list(medications._dose_medicines_query(patient=patient.pk))
        assert [_columns(m) for m in prepared_meds] == [_columns(m) for m in fresh_meds], patient
        medicines_seen += [_columns(m) for m in prepared_meds]
    assert plans_seen, "the demo has plans"
    # Every column held a value for somebody, so each was compared with data in it.
    assert _filled(plans_seen) >= {
        f.attname for f in TaperPlan._meta.concrete_fields if f.name not in {"draft", "revisions"}
    } - {"patient_preference", "agreement"} | {"completed", "completed_at"}
    assert _filled(medicines_seen) >= {
        f.attname for f in PatientMedication._meta.concrete_fields
    } - {"rxcui", "max_prn_per_day", "stopped_on", "updated_by_id"}


def test_the_prepared_own_rows_read_what_the_orm_reads_for_every_demo_patient(demo):
    maria = Patient.objects.get(user__email="maria@example.org")
    RiskProfile.objects.update_or_create(
        patient=maria,
        defaults={"overdose": True, "sex": "female", "ort_answers": {"family_alcohol": True}},
    )
    NaloxonePlan.objects.update_or_create(
        patient=maria,
        defaults={"has_naloxone": True, "kept_where": "Kitchen", "expires_on": date(2027, 5, 1)},
    )
    seen: dict[str, list[dict[str, Any]]] = {name: [] for name in medications.OWN_ROWS}
    nobody: set[str] = set()
    for patient in _patients():
        prepared = medications._OWN_ROWS.first(patient=patient.pk)
        fresh = medications._own_rows_query(patient=patient.pk).get()
        assert _columns(prepared) == _columns(fresh), patient
        for name in medications.OWN_ROWS:
            mine, theirs = (_columns(getattr(row, name, None)) for row in (prepared, fresh))
            assert mine == theirs, (patient, name)
            if mine is None:
                nobody.add(name)
            else:
                seen[name].append(mine)
    assert medications._OWN_ROWS.first(patient=max(p.pk for p in _patients()) + 1) is None
    assert all(seen.values()), "each row was read for somebody"
    assert nobody == set(medications.OWN_ROWS), "and each was missing for somebody"
    assert _filled(seen["risk_profile"]) >= {"overdose", "sex", "ort_answers"}
    assert _filled(seen["naloxone_plan"]) >= {"has_naloxone", "kept_where", "expires_on"}
    assert _filled(seen["taper_reasons"]) >= {"reasons", "recorded_at"}


def _prepared_and_fresh(prepared: Any, build: Any, **values: Any) -> list[dict[str, Any]]:
    rows = prepared.rows(**values)
    fresh = list(build(**values))
    assert rows == fresh, values
    # The same values of the same types (a Decimal's places, a date not a datetime), as dicts
    # and as the tuples Progress unpacks.
    assert repr(rows) == repr(fresh), values
    assert repr(prepared.tuples(**values)) == repr([tuple(row.values()) for row in fresh]), values
    return rows


def test_progress_prepared_reads_read_what_the_orm_reads_for_every_demo_patient(demo):
    from taperwell.checkins import progress
    from taperwell.checkins.selectors import clinic_today
    from taperwell.goals import selectors as goals
    from taperwell.skills import selectors as skills

    today = clinic_today(demo)
    seen: dict[str, list[dict[str, Any]]] = {"daily": [], "answers": [], "phq9": []}
    seen |= {"minutes": [], "done": []}
    for patient in _patients():
        for since in (today - timedelta(days=144), today - timedelta(days=20)):
            window = {"patient": patient.pk, "since": since, "today": today}
            seen["daily"] += _prepared_and_fresh(progress._DAILY, progress._daily_query, **window)
            seen["answers"] += _prepared_and_fresh(
                progress._ANSWERS, progress._answers_query, **window
            )
            seen["done"] += _prepared_and_fresh(
                goals._DONE_DAYS, goals._done_days_query, patient=patient.pk, since=since
            )
            seen["minutes"] += _prepared_and_fresh(
                skills._MINUTES_BY_DAY,
                skills._minutes_by_day_query,
                patient=patient.pk,
                start=since,
                end=today,
            )
        for day in (today, today - timedelta(days=40)):
            seen["phq9"] += _prepared_and_fresh(
                progress._LAST_TWO_PHQ9,
                progress._last_two_phq9_query,
                patient=patient.pk,
                today=day,
            )
    # Every column held a value for somebody, so each was compared with data in it.
    assert _filled(seen["daily"]) == set(progress.DAILY_COLUMNS)
    assert _filled(seen["answers"]) == {"day", "instrument", "total"}
    assert _filled(seen["phq9"]) == {"total"}
    assert _filled(seen["minutes"]) == {"day", "total"}
    assert _filled(seen["done"]) == {"day"}


def test_progress_counts_steps_and_minutes_by_day_as_the_orm_counts_them(demo):
    """The steps done and the minutes practised a day, as Progress reads them, are the ORM's
    own count of the current rows for every demo patient."""
    from collections import Counter

    from django.db.models import Sum

    from taperwell.checkins import care_links
    from taperwell.checkins.selectors import clinic_today
    from taperwell.goals.models import ActivityDone, DoneStatus
    from taperwell.goals.selectors import done_by_day
    from taperwell.skills.models import PracticeSession, SessionStatus

    today = clinic_today(demo)
    since = today - timedelta(days=84)
    counted = practised = 0
    for patient in _patients():
        done = ActivityDone.objects.filter(
            patient=patient, status=DoneStatus.CURRENT, day__gte=since
        ).values_list("day", flat=True)
        assert done_by_day(patient, since=since) == Counter(done), patient
        sessions = (
            PracticeSession.objects.filter(
                patient=patient, status=SessionStatus.DONE, day__gte=since, day__lte=today
            )
            .values("day")
            .annotate(total=Sum("minutes"))
            .order_by("day")
        )
        minutes = care_links.practice_minutes_by_day(patient, start=since, end=today)
        assert list(minutes.items()) == [(s["day"], s["total"]) for s in sessions if s["total"]]
        counted += len(done)
        practised += len(minutes)
    assert counted
    assert practised  # the demo has steps done and practice in the twelve weeks


def test_progress_reads_a_window_of_days_with_its_ends_included(patient):
    """The days a prepared read is given are the window's ends, both of them read."""
    from taperwell.checkins import progress
    from taperwell.checkins.models import CheckIn
    from taperwell.checkins.selectors import clinic_today

    today = clinic_today(patient.clinic)
    for back, pain in ((0, 3), (1, 4), (progress.DAYS, 5), (progress.DAYS + 1, 6)):
        CheckIn.objects.create(
            patient=patient,
            day=today - timedelta(days=back),
            pain=pain,
            sleep=5,
            mood=6,
            withdrawal=1,
            craving=0,
        )
    rows = progress.daily_rows(patient, today=today)
    assert [row[1] for row in rows] == [5, 4, 3]
    assert progress.daily_rows(patient, today=today - timedelta(days=1))[-1][1] == 4


def test_my_medicines_small_prepared_reads_read_what_the_orm_reads(demo):
    """The day's dose marks, the open pause request and the latest treatment decision."""
    import uuid

    from django.utils import timezone

    from taperwell.accounts.models import User
    from taperwell.checkins import care_links
    from taperwell.checkins.selectors import clinic_today
    from taperwell.medications import dose_cards
    from taperwell.medications.models import DoseLog
    from taperwell.tapering import treatment

    maria = Patient.objects.get(user__email="maria@example.org")
    plan = TaperPlan.objects.filter(patient=maria).first()
    clinician = User.objects.exclude(pk=maria.user_id).filter(is_active=True).first()
    today, now = clinic_today(demo), timezone.now()
    for hours, undone in ((2, None), (1, now)):
        DoseLog.objects.create(
            patient=maria,
            day=today,
            slot="morning",
            time="08:00",
            line_key="oxycodone|ir|tablet|08:00",
            drug="oxycodone",
            product="oxycodone 5 mg tablet",
            dose_text="10 mg",
            amount="10.000",
            unit="mg",
            taken_at=now - timedelta(hours=hours),
            idempotency_key=uuid.uuid4(),
            undone_at=undone,
        )
    _open_and_answered_pause_requests(maria, plan, clinician, answered_at=now)
    _treatment_decisions(plan, clinician, (("2026-10-01", "discussed"), ("2026-11-30", "referred")))
    logs, pauses, decisions = [], [], []
    for patient in _patients():
        for day in (today, today - timedelta(days=1)):
            found = dose_cards._DAY_LOG.rows(patient=patient.pk, day=day)
            fresh = list(dose_cards._day_log_query(patient=patient.pk, day=day))
            assert [_columns(r) for r in found] == [_columns(r) for r in fresh], patient
            logs += [_columns(r) for r in found]
        pause = care_links._OPEN_PAUSE_REQUEST.first(patient=patient.pk)
        fresh_pause = care_links._open_pause_request_query(patient=patient.pk).first()
        assert _columns(pause) == _columns(fresh_pause), patient
        pauses += [_columns(pause)] if pause else []
        decision = treatment._LATEST_DETAILS.first(patient=patient.pk)
        assert decision == treatment._latest_details_query(patient=patient.pk).first(), patient
        decisions += [decision] if decision else []
    assert {row["undone_at"] is None for row in logs} == {True, False}
    assert _filled(logs) >= {f.attname for f in DoseLog._meta.concrete_fields}
    assert [row["reason"] for row in pauses] == ["A hard week"]
    assert len(decisions) >= 2, "Maria's and the demo's own"
    assert treatment._LATEST_DETAILS.first(patient=maria.pk)["details"]["step"] == "referred"
    assert care_links.open_pause_request(maria).reason == "A hard week"
    assert treatment.latest_for_patient(maria) is not None


def test_the_own_rows_bring_the_open_pause_request_and_the_latest_decision_as_their_reads_do(
    demo, client, django_assert_num_queries
):
    """My medicines reads when the open pause request was made and the latest treatment
    decision with the patient's own rows: the same answers as the reads they stand in for, for
    every demo patient, and the page draws both cards with seven queries."""
    from django.utils import timezone

    from taperwell.accounts.models import User
    from taperwell.checkins import care_links
    from taperwell.tapering import treatment

    maria = Patient.objects.select_related("user").get(user__email="maria@example.org")
    plan = TaperPlan.objects.filter(patient=maria).first()
    clinician = User.objects.exclude(pk=maria.user_id).filter(is_active=True).first()
    now = timezone.now()
    _open_and_answered_pause_requests(maria, plan, clinician, answered_at=now)
    # Written in the other order: the latest written is the one read, whatever its day.
    _treatment_decisions(plan, clinician, (("2026-11-30", "referred"), ("2026-10-01", "discussed")))
    pauses, decisions = [], []
    for patient in _patients():
        own = medications.load_own_rows(patient)
        pause = care_links.open_pause_request(patient)
        assert own["pause_requested_at"] == (pause.created_at if pause else None), patient
        latest = treatment._LATEST_DETAILS.first(patient=patient.pk)
        assert own["treatment_details"] == (latest["details"] if latest else None), patient
        assert treatment.words_for_patient(own["treatment_details"]) == (
            treatment.latest_for_patient(patient)
        )
        pauses += [pause] if pause else []
        decisions += [latest] if latest else []
    assert [p.reason for p in pauses] == ["A hard week"], "an answered request is not open"
    assert len(decisions) >= 2, "Maria's and the demo's own"
    assert medications.load_own_rows(maria)["treatment_details"]["step"] == "discussed"

    client.force_login(maria.user)
    assert client.get("/crisis/").status_code == 200  # the session as fresh as in everyday use
    with django_assert_num_queries(7):
        page = client.get("/my-medicines/").content.decode()
    assert 'id="pause-request-h"' in page
    assert 'class="card treatment-card"' in page


def test_a_decision_handed_back_as_json_text_is_worded_as_the_decision():
    from taperwell.tapering import treatment

    details = {"on": "2026-11-30", "step": "referred", "medicine": "buprenorphine"}
    words = treatment.words_for_patient(details)
    assert words is not None
    assert words["body"]
    assert treatment.words_for_patient(json.dumps(details)) == words
    assert treatment.words_for_patient(None) is None


def _open_and_answered_pause_requests(patient, plan, clinician, *, answered_at):
    """One request answered ("A hard month") and one still open ("A hard week")."""
    from taperwell.tapering.models import PauseRequest, PauseRequestStatus

    PauseRequest.objects.create(
        patient=patient,
        plan=plan,
        reason="A hard month",
        status=PauseRequestStatus.ANSWERED,
        answered_by=clinician,
        answered_at=answered_at,
    )
    PauseRequest.objects.create(patient=patient, plan=plan, reason="A hard week")


def _treatment_decisions(plan, clinician, decisions):
    """A medication treatment decision for each (day, step), written in that order."""
    for day, step in decisions:
        TaperEvent.objects.create(
            plan=plan,
            kind=TaperEventKind.TREATMENT,
            by=clinician,
            reason="We talked",
            details={"on": day, "step": step, "medicine": "buprenorphine", "oud_concern": True},
        )
