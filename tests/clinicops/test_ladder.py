"""The ladder for every monitoring and remote-monitoring view: works; anonymous → sign-in;
another clinic → 404; wrong role → 403; wrong method → 405."""

from __future__ import annotations

from datetime import date

import pytest

from taperwell.monitoring.models import MonitoringRecord
from taperwell.rtm.models import CareTimeEntry
from tests import factories
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
    ),
    Rung(
        "monitoring in error",
        "/clinic/monitoring/{record}/entered-in-error/",
        "clinician",
        "counsellor",
        "post",
        CONFIRMED,
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
    ),
    Rung(
        "care time in error",
        "/clinic/care-time/{entry}/entered-in-error/",
        "clinician",
        "front_desk",
        "post",
        CONFIRMED,
        "get",
    ),
    Rung("month report", "/clinic/remote-monitoring/", "clinic_admin", "counsellor"),
    Rung("month csv", "/clinic/remote-monitoring/csv/", "clinician", "front_desk"),
]


@pytest.fixture
def ladder(patient, clinician, ladder_people):
    record = MonitoringRecord.objects.create(
        patient=patient, by=clinician, kind="udt", done_on=date(2026, 1, 5), finding="expected"
    )
    entry = CareTimeEntry.objects.create(
        patient=patient, by=clinician, kind="call", on=date(2026, 1, 5), minutes=5, what="Call"
    )
    return Ladder(
        people=ladder_people,
        ids={"patient": patient.public_id, "record": record.public_id, "entry": entry.public_id},
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


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_a_patient_is_refused(client, ladder, rung):
    check_wrong_role_is_refused(client, ladder, rung, "patient")


@pytest.mark.parametrize("rung", scoped(VIEWS), ids=rung_name)
def test_someone_from_another_clinic_gets_not_found(client, ladder, other_clinic, rung):
    check_another_clinic_gets_not_found(client, ladder, rung, ladder.stranger(rung, other_clinic))


def test_the_month_report_of_another_clinic_lists_none_of_our_patients(
    client, ladder, other_clinic
):
    stranger = factories.make_staff(other_clinic, "clinician")
    client.force_login(stranger)
    page = client.get("/clinic/remote-monitoring/").content.decode()
    assert "Maria Alvarez" not in page
    rows = client.get("/clinic/remote-monitoring/csv/").content.decode().splitlines()
    assert len(rows) == 1  # the header only


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_the_wrong_method_is_refused(client, ladder, rung):
    check_wrong_method_is_refused(client, ladder, rung)
