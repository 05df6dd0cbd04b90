"""Every view climbs the ladder: works; anonymous → sign-in; other clinic → 404;
wrong role → 403; wrong method → 405."""

from __future__ import annotations

import pytest
from django.urls import reverse

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

VIEWS = [
    Rung("today", "/today/", "patient", "clinician"),
    Rung("check-in", "/checkin/", "patient", "clinician"),
    Rung("check-in history", "/checkin/history/", "patient", "counsellor", wrong_method="post"),
    Rung("crisis screen", "/help-now/", "patient", "front_desk", wrong_method="post"),
    Rung("questionnaires", "/questionnaires/", "patient", "clinician", wrong_method="post"),
    Rung("questionnaire", "/questionnaires/phq9/", "patient", "counsellor"),
    Rung("my medicines", "/my-medicines/", "patient", "clinician", wrong_method="post"),
    Rung("my naloxone plan", "/my-medicines/naloxone/", "patient", "clinician"),
    Rung("my progress", "/progress/", "patient", "clinic_admin", wrong_method="post"),
    Rung("goals", "/goals/", "patient", "clinician"),
    Rung("welcome", "/enrol/welcome/", "patient", "clinician"),
    Rung("panel", "/clinic/patients/", "clinician", "patient"),
    Rung("record", "/clinic/patients/{patient}/", "clinician", "patient"),
    Rung("invitation list", "/clinic/invitations/", "front_desk", "counsellor"),
    Rung("invitation new", "/clinic/invitations/new/", "front_desk", "patient"),
    Rung("invitation detail", "/clinic/invitations/{invitation}/", "front_desk", "patient"),
    Rung("skills", "/skills/", "patient", "clinician"),
    Rung("breathing pacer", "/skills/breathe/", "patient", "clinician"),
    Rung("practice", "/skills/practice/body-scan/", "patient", "counsellor"),
    Rung("flare plan", "/skills/flare-plan/", "patient", "clinician", wrong_method="post"),
    Rung("flare plan edit", "/skills/flare-plan/edit/", "patient", "front_desk"),
    Rung("audit log", "/clinic/audit/", "clinic_admin", "clinician", wrong_method="post"),
    Rung(
        "audit export",
        "/clinic/audit/export.csv",
        "clinic_admin",
        "front_desk",
        wrong_method="post",
    ),
    # The care team's workspace; its write views climb the ladder in tests/care/test_ladder.py
    Rung("triage", "/clinic/triage/", "clinician", "patient"),  # search comes by POST
    Rung("care page", "/clinic/patients/{patient}/care/", "counsellor", "patient"),
    Rung("timeline", "/clinic/patients/{patient}/timeline/", "counsellor", "patient"),
    Rung("medicines", "/clinic/patients/{patient}/medicines/", "counsellor", "patient"),
    Rung("taper plans", "/clinic/patients/{patient}/taper/", "counsellor", "front_desk"),
    Rung("outcomes", "/clinic/outcomes/", "clinic_admin", "front_desk"),
    Rung("guidelines", "/clinic/guidelines/", "counsellor", "patient"),
    Rung("clinic settings", "/clinic/settings/", "clinic_admin", "front_desk"),
]


@pytest.fixture
def invitation(clinic, front_desk):
    from taperwell.enrolment.services import invitation_create

    return invitation_create(
        clinic=clinic, created_by=front_desk, full_name="New Person", method="code"
    ).invitation


@pytest.fixture
def ladder(patient, invitation, ladder_people):
    return Ladder(
        people=ladder_people,
        ids={"patient": patient.public_id, "invitation": invitation.public_id},
    )


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_the_right_person_can_use_the_page(client, ladder, rung):
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


@pytest.mark.parametrize("url", ["/crisis/", "/healthz", "/enrol/"])
def test_public_pages_open_without_sign_in_and_refuse_other_methods(client, db, url):
    assert client.get(url).status_code == 200
    assert client.delete(url).status_code == 405


def test_a_stranger_clinician_sees_none_of_our_patients_in_the_list(
    client, patient, stranger_clinician
):
    client.force_login(stranger_clinician)
    response = client.get("/clinic/patients/")
    assert response.status_code == 200
    assert patient.full_name not in response.content.decode()


def test_a_stranger_admin_sees_none_of_our_audit_rows(
    client, clinic, patient, clinician, other_clinic
):
    client.force_login(clinician)
    client.get(f"/clinic/patients/{patient.public_id}/")
    stranger_admin = factories.make_staff(other_clinic, "admin")
    client.force_login(stranger_admin)
    page = client.get("/clinic/audit/").content.decode()
    assert patient.full_name not in page
    export = b"".join(client.get("/clinic/audit/export.csv").streaming_content).decode()
    assert str(patient.public_id) not in export


def test_a_patient_cannot_open_another_patients_record_even_by_id(client, patient, other_patient):
    client.force_login(patient.user)
    assert client.get(f"/clinic/patients/{other_patient.public_id}/").status_code == 403


def test_the_home_page_sends_each_person_to_their_start(client, patient, clinician):
    assert client.get("/")["Location"].startswith(reverse("account_login"))
    client.force_login(patient.user)
    assert client.get("/")["Location"] == reverse("today:today")
    client.force_login(clinician)
    assert client.get("/")["Location"] == reverse("care:dashboard")


def test_a_patient_who_has_not_consented_is_asked_first(client, clinic):
    newcomer = factories.make_patient(clinic, consented=False)
    client.force_login(newcomer.user)
    assert client.get("/today/")["Location"] == reverse("enrolment:welcome")
