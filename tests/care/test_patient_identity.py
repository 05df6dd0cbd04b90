"""Patient identity (birth date, record number, phone, language), collected at invitation or on
the record page, and a banner on every staff page of a patient; the same identity on the printed
schedule and the FHIR Patient."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from fhir.resources.R4B.patient import Patient as FhirPatient

from taperwell.audit.models import AuditEvent
from taperwell.care.banner import patient_banner
from taperwell.care.services import flag_raise
from taperwell.fhir.export import patient_resource, record_number_system
from taperwell.patients.models import Patient
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db


def _identify(patient, **fields):
    values = {
        "date_of_birth": date(1964, 3, 18),
        "record_number": "RPW-100231",
        "phone": "(555) 010-0142",
        **fields,
    }
    Patient.objects.filter(pk=patient.pk).update(**values)
    patient.refresh_from_db()
    return patient


def test_staff_give_birth_date_record_number_phone_and_language_when_inviting(client, front_desk):
    client.force_login(front_desk)
    response = client.post(
        "/clinic/invitations/new/",
        {
            "full_name": "Rosa Diaz",
            "method": "code",
            "date_of_birth": "1970-05-02",
            "record_number": " MRN-7781 ",
            "phone": "(555) 010-0170",
            "preferred_language": "es",
        },
    )
    assert response.status_code == 302
    rosa = Patient.objects.get(full_name="Rosa Diaz")
    assert rosa.date_of_birth == date(1970, 5, 2)
    assert rosa.record_number == "MRN-7781"
    assert rosa.phone == "(555) 010-0170"
    assert rosa.preferred_language == "es"


def test_an_invitation_with_a_record_number_already_used_is_refused(client, front_desk, patient):
    _identify(patient)
    client.force_login(front_desk)
    response = client.post(
        "/clinic/invitations/new/",
        {"full_name": "Rosa Diaz", "method": "code", "record_number": "RPW-100231"},
    )
    assert response.status_code == 200
    assert "Another patient at this clinic has this record number." in response.content.decode()
    assert not Patient.objects.filter(full_name="Rosa Diaz").exists()


def test_the_record_page_edits_identity_and_the_change_is_audited(client, front_desk, patient):
    client.force_login(front_desk)
    page = client.get(reverse("care:record", args=[patient.public_id])).content.decode()
    assert 'name="record_number"' in page
    response = client.post(
        reverse("care:identity", args=[patient.public_id]),
        {
            "date_of_birth": "1964-03-18",
            "record_number": "RPW-100231",
            "phone": "555-010-0142",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.date_of_birth, patient.record_number, patient.phone) == (
        date(1964, 3, 18),
        "RPW-100231",
        "555-010-0142",
    )
    audit = AuditEvent.objects.filter(patient=patient, action="update").order_by("pk").last()
    assert audit.what == "identity: date of birth, record number, phone"
    assert audit.actor == front_desk


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("phone", "call me", "Enter a phone number with its area code"),
        ("date_of_birth", "2999-01-01", "cannot be in the future"),
    ],
)
def test_a_wrong_identity_value_is_refused_with_words(
    client, front_desk, patient, field, value, words
):
    client.force_login(front_desk)
    data = {"preferred_language": "en", field: value}
    response = client.post(reverse("care:identity", args=[patient.public_id]), data)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_a_record_number_of_another_patient_is_refused_on_the_record_page(
    client, front_desk, patient, other_patient
):
    _identify(other_patient)
    client.force_login(front_desk)
    response = client.post(
        reverse("care:identity", args=[patient.public_id]),
        {"record_number": "RPW-100231", "preferred_language": "en"},
    )
    assert response.status_code == 400
    patient.refresh_from_db()
    assert patient.record_number == ""


def test_a_patient_of_another_clinic_cannot_be_edited(client, stranger_clinician, patient):
    client.force_login(stranger_clinician)
    response = client.post(
        reverse("care:identity", args=[patient.public_id]),
        {"record_number": "X", "preferred_language": "en"},
    )
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_identity_form(client, patient):
    response = client.post(
        reverse("care:identity", args=[patient.public_id]), {"record_number": "X"}
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    patient.refresh_from_db()
    assert patient.record_number == ""


def test_a_patient_cannot_edit_identity_and_get_is_refused(client, patient):
    client.force_login(patient.user)
    url = reverse("care:identity", args=[patient.public_id])
    assert client.post(url, {"record_number": "X", "preferred_language": "en"}).status_code == 403
    assert client.get(url).status_code == 405


def _tapering(patient, clinician):
    oxycodone_er(patient, by=clinician)
    today = local_today(patient.clinic)
    start = today - timedelta(days=60)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    return plan_approve(plan=plan, by=clinician, agreement="10% a month.", today=start), today


def _staff_pages(patient, plan, medication):
    return [
        reverse("care:record", args=[patient.public_id]),
        reverse("care:patient", args=[patient.public_id]),
        reverse("care:timeline", args=[patient.public_id]),
        reverse("medications:list", args=[patient.public_id]),
        reverse("medications:edit", args=[medication.public_id]),
        reverse("tapering:plans", args=[patient.public_id]),
        reverse("tapering:plan", args=[plan.public_id]),
        reverse("reports:fhir_import", args=[patient.public_id]),
    ]


def test_every_staff_page_of_a_patient_shows_the_banner_with_identity_and_safety_facts(
    client, clinician, patient
):
    _identify(patient)
    plan, today = _tapering(patient, clinician)
    flag_raise(
        patient=patient,
        rule="mood-low",
        severity="moderate",
        reason="Mood low",
        action="call",
        day=today,
        source="bump-rules",
    )
    banner = patient_banner(patient, today=today)
    age = banner.age
    assert age == patient.age_on(today)
    assert age >= 60
    client.force_login(clinician)
    for url in _staff_pages(patient, plan, patient.medications.first()):
        page = client.get(url).content.decode()
        assert "data-banner" in page, url
        assert f"{age} years, born Mar 18, 1964" in page, url
        assert "RPW-100231" in page, url
        assert 'href="tel:+15550100142"' in page, url
        assert f"{banner.dose.mme_per_day.normalize()} MME/day" in page, url
        assert f"Tapering, step {banner.dose.step_index}" in page, url
        assert banner.naloxone.words in page, url
        assert "Moderate: Low mood" in page, url


def test_the_banner_says_what_is_missing_instead_of_leaving_blanks(client, clinician, patient):
    client.force_login(clinician)
    page = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert "Birth date not recorded" in page
    assert 'MRN <span class="missing">not recorded' in page
    assert "No phone" in page
    assert "No taper plan" in page


def test_the_banner_is_read_with_few_queries(clinician, patient, django_assert_max_num_queries):
    _identify(patient)
    _tapering(patient, clinician)
    patient = Patient.objects.select_related("clinic").get(pk=patient.pk)
    with django_assert_max_num_queries(8):
        patient_banner(patient)


def test_the_printed_schedule_carries_birth_date_record_number_and_phone(
    client, clinician, patient
):
    _identify(patient)
    plan, _ = _tapering(patient, clinician)
    client.force_login(clinician)
    page = client.get(reverse("tapering:print", args=[plan.public_id])).content.decode()
    assert "born Mar 18, 1964" in page
    assert "MRN RPW-100231" in page
    assert "phone (555) 010-0142" in page


def test_the_fhir_patient_carries_birth_date_the_clinics_record_number_and_phone(patient):
    _identify(patient, preferred_language="es")
    resource = patient_resource(patient)
    FhirPatient.model_validate(resource)
    assert resource["birthDate"] == "1964-03-18"
    mrn = [i for i in resource["identifier"] if i.get("type", {}).get("text") == "MRN"]
    assert mrn == [
        {
            "use": "usual",
            "type": {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                ],
                "text": "MRN",
            },
            "system": record_number_system(patient.clinic),
            "value": "RPW-100231",
        }
    ]
    assert {"system": "phone", "value": "(555) 010-0142", "rank": 1} in resource["telecom"]
    assert resource["communication"][0]["language"]["coding"][0]["code"] == "es"


def test_the_demo_patients_have_birth_dates_record_numbers_and_phones_and_one_awaits_approval(
    db,
):
    from taperwell.demo.services import demo_load
    from taperwell.tapering.models import PlanStatus, TaperPlan

    demo_load()
    signed_in = Patient.objects.filter(user__isnull=False)
    assert signed_in.count() >= 6
    for patient in signed_in:
        assert patient.date_of_birth, patient
        assert patient.record_number, patient
        assert patient.phone, patient
    assert TaperPlan.objects.filter(status=PlanStatus.DRAFT).exists()


def test_a_phone_number_becomes_a_tel_address():
    from taperwell.patients.models import tel_address

    assert tel_address("(555) 010-0142") == "+15550100142"
    assert tel_address("+44 20 7946 0000") == "+442079460000"
    assert tel_address("1-555-010-0142") == "+15550100142"
    assert tel_address("") == ""


def test_the_record_page_gives_the_enrollment_day_month_first(client, clinician, patient):
    import datetime as dt

    patient.enrolled_at = dt.datetime(2026, 8, 9, 15, 0, tzinfo=dt.UTC)
    patient.save(update_fields=["enrolled_at"])
    client.force_login(clinician)
    page = client.get(reverse("care:record", args=[patient.public_id])).content.decode()
    assert "Aug 9, 2026" in page
    assert "9 Aug 2026" not in page
