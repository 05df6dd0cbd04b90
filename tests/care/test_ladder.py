"""Every care-workspace view climbs the ladder: works; anonymous → sign-in; other clinic → 404;
wrong role → 403 (front desk for clinical reads, the behavioural-health clinician for plan
writes); wrong method → 405. Write views included (the shared table is GET only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.urls import reverse

from taperwell.care.services import flag_raise, note_create
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from tests import factories
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Rung:
    name: str
    url: str
    allowed: str
    wrong_role: str
    method: str = "get"
    data: dict = field(default_factory=dict)
    ok: int = 200
    wrong_method: str = "delete"


VIEWS = [
    Rung("triage", "/clinic/triage/", "front_desk", "patient"),
    Rung(
        "check-in phase",
        "/clinic/patients/{patient}/phase/",
        "clinician",
        "counsellor",
        "post",
        {"phase": "maintenance"},
        302,
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
        302,
        "get",
    ),
    Rung(
        "flag resolve",
        "/clinic/flags/{flag}/resolve/",
        "clinician",
        "clinic_admin",
        "post",
        {"resolution": "called", "note": "ok"},
        302,
        "get",
    ),
    Rung(
        "note create",
        "/clinic/patients/{patient}/notes/",
        "counsellor",
        "front_desk",
        "post",
        {"body": "Seen"},
        302,
        "get",
    ),
    Rung(
        "note in error",
        "/clinic/notes/{note}/entered-in-error/",
        "clinician",
        "front_desk",
        "post",
        {},
        302,
        "get",
    ),
    Rung(
        "encourage",
        "/clinic/patients/{patient}/encourage/",
        "clinician",
        "front_desk",
        "post",
        {"body": "Well done"},
        302,
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
        302,
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
        302,
        "get",
    ),
    Rung(
        "risk history",
        "/clinic/patients/{patient}/risk/",
        "counsellor",
        "front_desk",
        "post",
        {"sleep_apnea": "on"},
        302,
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
        302,
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
        302,
        "get",
    ),
    Rung(
        "taper discard",
        "/clinic/taper-plans/{plan}/discard/",
        "clinician",
        "counsellor",
        "post",
        {"reason": "Not needed"},
        302,
        "get",
    ),
    Rung(
        "taper change",
        "/clinic/taper-plans/{approved}/change/",
        "clinician",
        "counsellor",
        "post",
        {"kind": "pause", "on": "2026-02-10", "reason": "Needs a rest"},
        302,
        "get",
    ),
    Rung("taper print", "/clinic/taper-plans/{approved}/print/", "clinician", "front_desk"),
]


@pytest.fixture
def personas(patient, clinician, counsellor, front_desk, clinic_admin):
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
    return {
        "patient": patient.user,
        "clinician": clinician,
        "counsellor": counsellor,
        "front_desk": front_desk,
        "clinic_admin": clinic_admin,
        "ids": {
            "patient": patient.public_id,
            "flag": flag.public_id,
            "note": note.public_id,
            "medication": medication.public_id,
            "plan": plan.public_id,
            "approved": approved.public_id,
        },
    }


def _url(rung, personas):
    return rung.url.format(**personas["ids"])


def _call(client, rung, personas, method=None):
    return getattr(client, method or rung.method)(_url(rung, personas), rung.data)


@pytest.mark.parametrize("rung", VIEWS, ids=lambda r: r.name)
def test_the_right_person_can_use_the_view(client, personas, rung):
    client.force_login(personas[rung.allowed])
    assert _call(client, rung, personas).status_code == rung.ok


@pytest.mark.parametrize("rung", VIEWS, ids=lambda r: r.name)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, personas, rung):
    response = _call(client, rung, personas)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("rung", VIEWS, ids=lambda r: r.name)
def test_the_wrong_role_is_refused(client, personas, rung):
    client.force_login(personas[rung.wrong_role])
    assert _call(client, rung, personas).status_code == 403


@pytest.mark.parametrize("rung", [r for r in VIEWS if "{" in r.url], ids=lambda r: r.name)
def test_someone_from_another_clinic_gets_not_found(client, personas, other_clinic, rung):
    stranger = factories.make_staff(other_clinic, personas[rung.allowed].membership.role)
    client.force_login(stranger)
    assert _call(client, rung, personas).status_code == 404


@pytest.mark.parametrize("rung", VIEWS, ids=lambda r: r.name)
def test_the_wrong_method_is_refused(client, personas, rung):
    client.force_login(personas[rung.allowed])
    assert _call(client, rung, personas, rung.wrong_method).status_code == 405
