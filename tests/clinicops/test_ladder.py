"""The ladder for every monitoring and remote-monitoring view: works; anonymous → sign-in;
another clinic → 404; wrong role → 403; wrong method → 405."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.urls import reverse

from taperwell.monitoring.models import MonitoringRecord
from taperwell.rtm.models import CareTimeEntry
from tests import factories

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


CONFIRMED = {"reason": "Wrong patient", "confirm": "on"}
VIEWS = [
    Rung("monitoring", "/clinic/patients/{patient}/monitoring/", "counsellor", "front_desk"),
    Rung(
        "monitoring record",
        "/clinic/patients/{patient}/monitoring/",
        "clinician",
        "counsellor",
        "post",
        {"kind": "pdmp", "done_on": "2026-01-05", "finding": "expected"},
        302,
    ),
    Rung(
        "monitoring in error",
        "/clinic/monitoring/{record}/entered-in-error/",
        "clinician",
        "counsellor",
        "post",
        CONFIRMED,
        302,
        "get",
    ),
    Rung("care time", "/clinic/patients/{patient}/care-time/", "clinician", "front_desk"),
    Rung(
        "care time log",
        "/clinic/patients/{patient}/care-time/",
        "counsellor",
        "front_desk",
        "post",
        {"kind": "management", "on": "2026-01-05", "minutes": "10", "what": "Reviewed"},
        302,
    ),
    Rung(
        "care time in error",
        "/clinic/care-time/{entry}/entered-in-error/",
        "clinician",
        "front_desk",
        "post",
        CONFIRMED,
        302,
        "get",
    ),
    Rung("month report", "/clinic/remote-monitoring/", "clinic_admin", "counsellor"),
    Rung("month csv", "/clinic/remote-monitoring/csv/", "clinician", "front_desk"),
]


@pytest.fixture
def personas(patient, clinician, counsellor, front_desk, clinic_admin):
    record = MonitoringRecord.objects.create(
        patient=patient, by=clinician, kind="udt", done_on=date(2026, 1, 5), finding="expected"
    )
    entry = CareTimeEntry.objects.create(
        patient=patient, by=clinician, kind="call", on=date(2026, 1, 5), minutes=5, what="Call"
    )
    return {
        "patient": patient.user,
        "clinician": clinician,
        "counsellor": counsellor,
        "front_desk": front_desk,
        "clinic_admin": clinic_admin,
        "ids": {"patient": patient.public_id, "record": record.public_id, "entry": entry.public_id},
    }


def _call(client, rung, personas, method=None):
    url = rung.url.format(**personas["ids"])
    return getattr(client, method or rung.method)(url, rung.data)


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


@pytest.mark.parametrize("rung", VIEWS, ids=lambda r: r.name)
def test_a_patient_is_refused(client, personas, rung):
    client.force_login(personas["patient"])
    assert _call(client, rung, personas).status_code == 403


@pytest.mark.parametrize("rung", [r for r in VIEWS if "{" in r.url], ids=lambda r: r.name)
def test_someone_from_another_clinic_gets_not_found(client, personas, other_clinic, rung):
    stranger = factories.make_staff(other_clinic, personas[rung.allowed].membership.role)
    client.force_login(stranger)
    assert _call(client, rung, personas).status_code == 404


def test_the_month_report_of_another_clinic_lists_none_of_our_patients(
    client, personas, other_clinic
):
    stranger = factories.make_staff(other_clinic, "clinician")
    client.force_login(stranger)
    page = client.get("/clinic/remote-monitoring/").content.decode()
    assert "Maria Alvarez" not in page
    rows = client.get("/clinic/remote-monitoring/csv/").content.decode().splitlines()
    assert len(rows) == 1  # the header only


@pytest.mark.parametrize("rung", VIEWS, ids=lambda r: r.name)
def test_the_wrong_method_is_refused(client, personas, rung):
    client.force_login(personas[rung.allowed])
    assert _call(client, rung, personas, rung.wrong_method).status_code == 405
