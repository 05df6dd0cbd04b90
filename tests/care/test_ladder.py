"""Every care-workspace view climbs the ladder: works; anonymous → sign-in; other clinic → 404;
wrong role → 403 (front desk for clinical reads, the behavioural-health clinician for plan
writes); wrong method → 405. Write views included (the shared table is GET only)."""

from __future__ import annotations

from datetime import date

import pytest

from taperwell.care.services import flag_raise, note_create
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from tests import factories
from tests.care.builders import oxycodone_er, ten_percent_inputs
from tests.ladder import (
    Ladder,
    Rung,
    check_anonymous_is_sent_to_sign_in,
    check_another_clinic_gets_not_found,
    check_it_works,
    check_wrong_method_is_refused,
    check_wrong_role_is_refused,
    rung_name,
    scoped,
)

pytestmark = pytest.mark.django_db


VIEWS = [
    Rung("triage", "/clinic/triage/", "front_desk", "patient"),
    Rung(
        "check-in phase",
        "/clinic/patients/{patient}/phase/",
        "clinician",
        "counsellor",
        "post",
        {"phase": "maintenance"},
        "get",
    ),
    Rung("care page", "/clinic/patients/{patient}/care/", "counsellor", "front_desk"),
    Rung(
        "flag acknowledge",
        "/clinic/flags/{flag}/acknowledge/",
        "counsellor",
        "front_desk",
        "post",
        {"note": "Called"},
        "get",
    ),
    Rung(
        "flag resolve",
        "/clinic/flags/{flag}/resolve/",
        "clinician",
        "clinic_admin",
        "post",
        {"resolution": "called", "note": "ok"},
        "get",
    ),
    Rung(
        "note create",
        "/clinic/patients/{patient}/notes/",
        "counsellor",
        "front_desk",
        "post",
        {"body": "Seen"},
        "get",
    ),
    Rung(
        "note in error",
        "/clinic/notes/{note}/entered-in-error/",
        "clinician",
        "front_desk",
        "post",
        {},
        "get",
    ),
    Rung(
        "encourage",
        "/clinic/patients/{patient}/encourage/",
        "clinician",
        "front_desk",
        "post",
        {"body": "Well done"},
        "get",
    ),
    Rung("timeline", "/clinic/patients/{patient}/timeline/", "counsellor", "front_desk"),
    Rung("timeline data", "/clinic/patients/{patient}/timeline/data/", "clinician", "front_desk"),
    Rung("outcomes", "/clinic/outcomes/", "clinic_admin", "counsellor"),
    Rung("guidelines", "/clinic/guidelines/", "front_desk", "patient"),
    Rung("medicines", "/clinic/patients/{patient}/medicines/", "counsellor", "front_desk"),
    Rung(
        "medicine add",
        "/clinic/patients/{patient}/medicines/",
        "clinician",
        "counsellor",
        "post",
        {"drug": "gabapentin", "strength": "300", "unit": "mg", "times_text": "08:00"},
        "delete",
    ),
    Rung("medicine edit", "/clinic/medicines/{medication}/edit/", "clinician", "counsellor"),
    Rung(
        "medicine status",
        "/clinic/medicines/{medication}/status/",
        "clinician",
        "counsellor",
        "post",
        {"status": "stopped", "reason": "done"},
        "get",
    ),
    Rung(
        "risk history",
        "/clinic/patients/{patient}/risk/",
        "counsellor",
        "front_desk",
        "post",
        {"sleep_apnea": "on"},
        "get",
    ),
    Rung("taper plans", "/clinic/patients/{patient}/taper/", "counsellor", "front_desk"),
    Rung(
        "taper draft",
        "/clinic/patients/{patient}/taper/",
        "clinician",
        "counsellor",
        "post",
        {"pace": "standard", "start_date": "2026-04-06"},
        "delete",
    ),
    Rung("taper plan", "/clinic/taper-plans/{plan}/", "counsellor", "front_desk"),
    Rung(
        "taper approve",
        "/clinic/taper-plans/{plan}/approve/",
        "clinician",
        "counsellor",
        "post",
        {"agreement": "Agreed"},
        "get",
    ),
    Rung(
        "taper discard",
        "/clinic/taper-plans/{plan}/discard/",
        "clinician",
        "counsellor",
        "post",
        {"reason": "Not needed"},
        "get",
    ),
    Rung(
        "taper change",
        "/clinic/taper-plans/{approved}/change/",
        "clinician",
        "counsellor",
        "post",
        {"kind": "pause", "on": "2026-02-10", "reason": "Needs a rest"},
        "get",
    ),
    Rung("taper print", "/clinic/taper-plans/{approved}/print/", "clinician", "front_desk"),
]


@pytest.fixture
def ladder(patient, clinician, ladder_people):
    medication = oxycodone_er(patient, clinician)
    other = factories.make_patient(patient.clinic, full_name="Second Patient")
    oxycodone_er(other, clinician)
    approved = plan_draft(patient=other, by=clinician, inputs=ten_percent_inputs(date(2026, 1, 5)))
    plan_approve(plan=approved, by=clinician, agreement="ok", today=date(2026, 1, 5))
    # Starts today: a draft whose date has passed is approved only once its new dates are seen.
    today = local_today(patient.clinic)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(today))
    flag = flag_raise(
        patient=patient,
        rule="pain-worse",
        severity="moderate",
        reason="pain up",
        action="slow",
        day=date(2026, 3, 1),
        source="bump-rules",
    )
    note = note_create(patient=patient, author=clinician, body="A note")
    return Ladder(
        people=ladder_people,
        ids={
            "patient": patient.public_id,
            "flag": flag.public_id,
            "note": note.public_id,
            "medication": medication.public_id,
            "plan": plan.public_id,
            "approved": approved.public_id,
        },
    )


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_the_right_person_can_use_the_view(client, ladder, rung):
    check_it_works(client, ladder, rung)


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, ladder, rung):
    check_anonymous_is_sent_to_sign_in(client, ladder, rung)


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_the_wrong_role_is_refused(client, ladder, rung):
    check_wrong_role_is_refused(client, ladder, rung)


@pytest.mark.parametrize("rung", scoped(VIEWS), ids=rung_name)
def test_someone_from_another_clinic_gets_not_found(client, ladder, other_clinic, rung):
    check_another_clinic_gets_not_found(client, ladder, rung, ladder.stranger(rung, other_clinic))


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_the_wrong_method_is_refused(client, ladder, rung):
    check_wrong_method_is_refused(client, ladder, rung)
