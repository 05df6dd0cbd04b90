"""The clinic admin's settings page: crisis wording, where the clinic is, which guideline applies,
and how often check-ins and questionnaires are asked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from taperwell.audit.models import AuditAction, AuditEvent
from taperwell.care.clinic_settings_services import clinic_settings_update
from taperwell.checkins.models import QuestionnaireResponse, QuestionnaireSchedule
from taperwell.checkins.selectors import clinic_today, questionnaires_due
from taperwell.clinics.models import Clinic
from tests import factories

URL = "/clinic/settings/"


def _form(clinic: Clinic, **changes: object) -> dict[str, object]:
    """What the page posts when the admin changes nothing, with `changes` applied."""
    data: dict[str, object] = {
        "crisis_line_number": clinic.crisis_line_number,
        "crisis_line_text": clinic.crisis_line_text,
        "crisis_line_text_es": clinic.crisis_line_text_es,
        "emergency_number": clinic.emergency_number,
        "phone": clinic.phone,
        "time_zone": clinic.time_zone,
        "jurisdiction": clinic.jurisdiction,
        "guideline_pack": clinic.guideline_pack,
        "maintenance_checkin_every_days": clinic.maintenance_checkin_every_days,
        "every_peg": "",
        "every_sows": "",
        "every_phq9": "",
        "every_gad7": "",
    }
    if clinic.staff_can_read_clinical_notes:
        data["staff_can_read_clinical_notes"] = "on"
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client, clinic_admin):
    client.force_login(clinic_admin)
    return client


def test_the_page_is_named_and_in_the_admins_menu(admin_client):
    assert reverse("care:clinic_settings") == URL
    response = admin_client.get("/clinic/audit/")
    assert f'href="{URL}"' in response.content.decode()
    page = admin_client.get(URL).content.decode()
    assert "Clinic settings" in page
    assert "The crisis number shows on every patient page" in page
    assert 'href="/messages/reply-time/"' in page


def test_only_the_admin_sees_the_menu_link(client, clinician):
    client.force_login(clinician)
    assert f'href="{URL}"' not in client.get("/clinic/triage/").content.decode()


def test_the_admin_changes_the_crisis_wording_and_a_patient_sees_it(
    admin_client, client, clinic, patient
):
    response = admin_client.post(
        URL,
        _form(
            clinic,
            crisis_line_number="1-800-555-0199",
            crisis_line_text="Call our night line, any hour. Someone from Riverside answers.",
        ),
        follow=True,
    )

    assert "Saved." in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.crisis_line_number == "1-800-555-0199"
    client.force_login(patient.user)
    today = client.get("/today/").content.decode()
    assert "Crisis help: call or text 1-800-555-0199" in today
    crisis = client.get("/crisis/").content.decode()
    assert "Call our night line, any hour. Someone from Riverside answers." in crisis


def test_the_questionnaire_schedule_decides_what_is_due(admin_client, clinic, patient):
    today = clinic_today(clinic)
    QuestionnaireResponse.objects.create(
        patient=patient,
        instrument="peg",
        instrument_version="PEG-3",
        day=today - timedelta(days=10),
        answers=[5, 5, 5],
        total=5,
    )
    assert "peg" in questionnaires_due(patient, today=today, tapering=False)

    admin_client.post(URL, _form(clinic, every_peg="14", every_phq9="56"))

    assert "peg" not in questionnaires_due(patient, today=today, tapering=False)
    rows = dict(
        QuestionnaireSchedule.objects.filter(clinic=clinic).values_list("instrument", "every_days")
    )
    assert rows == {"peg": 14, "phq9": 56}
    page = admin_client.get(URL).content.decode()
    assert 'name="every_peg" value="14"' in page

    # Emptied again, the default (weekly) applies and the row is gone.
    admin_client.post(URL, _form(clinic, every_peg="", every_phq9="56"))
    assert "peg" in questionnaires_due(patient, today=today, tapering=False)
    assert not QuestionnaireSchedule.objects.filter(clinic=clinic, instrument="peg").exists()


def test_sows_keeps_asking_only_while_tapering_with_its_own_cadence(admin_client, clinic):
    admin_client.post(URL, _form(clinic, every_sows="3"))
    row = QuestionnaireSchedule.objects.get(clinic=clinic, instrument="sows")
    assert (row.every_days, row.only_while_tapering, row.active) == (3, True, True)


def test_a_bad_time_zone_and_an_out_of_range_cadence_are_refused_and_nothing_typed_is_lost(
    admin_client, clinic
):
    response = admin_client.post(
        URL,
        _form(
            clinic,
            time_zone="Mars/Olympus_Mons",
            maintenance_checkin_every_days="40",
            every_gad7="0",
            crisis_line_text="Words I typed and want to keep.",
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mars/Olympus_Mons is not a time zone we know." in page
    assert page.count("Choose a number from 1 to 28.") == 1
    assert "Choose a number from 1 to 366, or leave it empty." in page
    assert 'value="Mars/Olympus_Mons"' in page
    assert 'name="maintenance_checkin_every_days" value="40"' in page
    assert 'name="every_gad7" value="0"' in page
    assert "Words I typed and want to keep.</textarea>" in page
    assert 'aria-invalid="true"' in page
    assert "Nothing was saved yet." in page
    for field in ("time_zone", "maintenance_checkin_every_days", "every_gad7"):
        assert f'<li><a href="#id_{field}">' in page
    clinic.refresh_from_db()
    assert clinic.time_zone == "America/New_York"
    assert clinic.crisis_line_text != "Words I typed and want to keep."
    assert not QuestionnaireSchedule.objects.filter(clinic=clinic).exists()
    assert not AuditEvent.objects.filter(what__startswith="clinic settings").exists()


def test_a_time_zone_typed_with_a_space_gets_a_suggestion(admin_client, clinic):
    response = admin_client.post(URL, _form(clinic, time_zone="america/los angeles"))
    assert (
        "america/los angeles is not a time zone we know. Did you mean America/Los_Angeles?"
        in response.content.decode()
    )
    clinic.refresh_from_db()
    assert clinic.time_zone == "America/New_York"


def test_the_state_is_upper_cased_and_must_have_a_guideline_pack(admin_client, clinic):
    admin_client.post(URL, _form(clinic, jurisdiction="oh", guideline_pack="cdc-2016"))
    clinic.refresh_from_db()
    assert (clinic.jurisdiction, clinic.guideline_pack) == ("OH", "cdc-2016")

    response = admin_client.post(URL, _form(clinic, jurisdiction="TX", guideline_pack="OH"))
    assert response.status_code == 200
    assert response.content.decode().count("Select a valid choice.") == 2
    clinic.refresh_from_db()
    assert (clinic.jurisdiction, clinic.guideline_pack) == ("OH", "cdc-2016")


def test_the_state_choices_are_the_overlay_packs_and_the_pack_choices_the_federal_ones(
    admin_client,
):
    page = admin_client.get(URL).content.decode()
    for code in ("OH", "WA"):
        assert f'<option value="{code}">' in page
    assert '<option value="cdc-2022" selected>' in page
    assert '<option value="cdc-2016">' in page
    assert "_naloxone" not in page


def test_the_other_settings_are_saved_too(admin_client, clinic):
    admin_client.post(
        URL,
        _form(
            clinic,
            phone="(555) 222-3333",
            emergency_number="112",
            time_zone="America/Chicago",
            maintenance_checkin_every_days="14",
            staff_can_read_clinical_notes="on",
        ),
    )
    clinic.refresh_from_db()
    assert clinic.phone == "(555) 222-3333"
    assert clinic.emergency_number == "112"
    assert clinic.time_zone == "America/Chicago"
    assert clinic.maintenance_checkin_every_days == 14
    assert clinic.staff_can_read_clinical_notes is True


def test_saving_writes_an_audit_row_per_change_with_old_and_new_values(
    admin_client, clinic, clinic_admin
):
    admin_client.post(
        URL, _form(clinic, emergency_number="112", every_phq9="14", time_zone="America/Denver")
    )

    rows = AuditEvent.objects.filter(clinic=clinic, action=AuditAction.UPDATE).order_by("id")
    assert [row.what for row in rows] == [
        'clinic settings: emergency_number: "911" → "112"',
        'clinic settings: time_zone: "America/New_York" → "America/Denver"',
        "clinic settings: questionnaire phq9 every_days: default (28) → 14",
    ]
    assert {row.actor_id for row in rows} == {clinic_admin.pk}
    assert {row.patient_id for row in rows} == {None}
    assert {row.object_id for row in rows} == {str(clinic.public_id)}


def test_saving_without_changes_writes_nothing(admin_client, clinic):
    response = admin_client.post(URL, _form(clinic), follow=True)
    assert "Nothing changed" in response.content.decode()
    assert not AuditEvent.objects.filter(what__startswith="clinic settings").exists()


def test_a_long_wording_change_is_shortened_to_fit_the_audit_row(clinic, clinic_admin):
    clinic_settings_update(
        clinic=clinic,
        by=clinic_admin,
        values={"crisis_line_text": "Call or text our line. " * 10},
        schedule={},
    )
    what = AuditEvent.objects.get(clinic=clinic).what
    assert len(what) <= 120
    assert what.startswith('clinic settings: crisis_line_text: "Need to talk now?')
    assert "→" in what
    assert what.endswith("…")


def test_the_service_refuses_a_setting_the_page_does_not_offer(clinic, clinic_admin):
    with pytest.raises(ValueError, match="slug"):
        clinic_settings_update(clinic=clinic, by=clinic_admin, values={"slug": "x"}, schedule={})


@pytest.mark.parametrize("persona", ["clinician", "counsellor", "front_desk", "patient"])
def test_other_roles_are_refused(client, request, clinic, persona):
    person = request.getfixturevalue(persona)
    client.force_login(getattr(person, "user", person))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form(clinic, crisis_line_number="000")).status_code == 403
    clinic.refresh_from_db()
    assert clinic.crisis_line_number == "988"


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_another_clinics_admin_changes_only_their_own_clinic(client, clinic, other_clinic):
    their_admin = factories.make_staff(other_clinic, "admin", full_name="Jo Hillside")
    client.force_login(their_admin)

    page = client.get(URL).content.decode()
    assert "Hillside Pain Centre" in page
    assert "Riverside" not in page
    client.post(URL, _form(other_clinic, crisis_line_text="Hillside night line.", every_gad7="7"))

    other_clinic.refresh_from_db()
    clinic.refresh_from_db()
    assert other_clinic.crisis_line_text == "Hillside night line."
    assert clinic.crisis_line_text != "Hillside night line."
    assert not QuestionnaireSchedule.objects.filter(clinic=clinic).exists()
    assert QuestionnaireSchedule.objects.filter(clinic=other_clinic, instrument="gad7").exists()
    assert not AuditEvent.objects.filter(clinic=clinic).exists()


def test_an_instrument_the_clinic_does_not_ask_for_is_not_offered(admin_client, clinic):
    QuestionnaireSchedule.objects.create(
        clinic=clinic, instrument="sows", every_days=7, only_while_tapering=True, active=False
    )
    page = admin_client.get(URL).content.decode()
    assert 'name="every_sows"' not in page
    assert 'name="every_peg"' in page
    admin_client.post(URL, _form(clinic, every_sows="2"))
    assert QuestionnaireSchedule.objects.get(clinic=clinic, instrument="sows").every_days == 7
