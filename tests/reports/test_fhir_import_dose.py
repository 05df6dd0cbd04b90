"""FHIR import keeps the dose (RxNorm SCD/SBD codes and dosageInstruction timing), shows whose
record the Bundle is beside ours, and never adds a row it cannot dose."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from taperwell.fhir.inbound import read_bundle
from taperwell.medications.models import PatientMedication
from taperwell.medications.selectors import active_medications, medication_review, mme_of
from taperwell.tapering.engine import pack_for

pytestmark = pytest.mark.django_db
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _request(code, display, dosage, kind="MedicationRequest"):
    resource = {
        "resourceType": kind,
        "status": "active",
        "subject": {"reference": "Patient/ehr-1"},
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": code, "display": display}]
        },
        "dosageInstruction" if kind == "MedicationRequest" else "dosage": [dosage],
    }
    if kind == "MedicationRequest":
        resource["intent"] = "order"
    return {"resource": resource}


OXY_Q6H = _request(
    "1049683",
    "oxycodone hydrochloride 10 MG Oral Tablet",
    {
        "text": "1 tablet by mouth every 6 hours",
        "timing": {"repeat": {"frequency": 4, "period": 1, "periodUnit": "d"}},
        "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "tablet"}}],
    },
)


def _patient_resource(name="Maria Alvarez", born="1962-03-14"):
    return {
        "resource": {
            "resourceType": "Patient",
            "id": "ehr-1",
            "name": [{"use": "official", "family": name.split()[-1], "given": name.split()[:-1]}],
            "birthDate": born,
            "identifier": [{"system": "urn:oid:1.2.3.4", "value": "MRN-00417"}],
        }
    }


def _bundle(*entries):
    return {"resourceType": "Bundle", "type": "collection", "entry": list(entries)}


def test_an_scd_code_every_6_hours_keeps_strength_form_release_and_four_times_a_day():
    result = read_bundle(json.dumps(_bundle(OXY_Q6H)))
    assert not result.undosed
    fields = result.matched[0].fields
    assert fields["drug"] == "oxycodone"
    assert (fields["strength"], fields["unit"]) == (Decimal(10), "mg")
    assert (fields["form"], fields["release"]) == ("tablet", "IR")
    assert len(fields["times"]) == 4
    assert fields["as_needed"] is False


def test_the_imported_oxycodone_counts_60_mme_and_the_review_gives_a_dose(patient, clinician):
    from taperwell.reports.services import medicines_import

    result = read_bundle(json.dumps(_bundle(OXY_Q6H)))
    medicines_import(patient=patient, by=clinician, result=result)
    pack = pack_for(patient.clinic)
    # 10 mg x 4 a day = 40 mg oxycodone x 1.5 = 60 MME (CDC-2022 factor for oxycodone)
    assert mme_of(active_medications(patient), pack) == Decimal(60)
    review = medication_review(patient, pack)
    assert review.total_mme_per_day == Decimal(60)


def test_a_branded_code_gives_the_brands_release_and_a_timing_every_12_hours():
    entry = _request(
        "1049504",
        "Abuse-Deterrent 12 HR Oxycodone Hydrochloride 10 MG Extended Release Oral Tablet",
        {
            "timing": {"repeat": {"frequency": 1, "period": 12, "periodUnit": "h"}},
            "doseAndRate": [{"doseQuantity": {"value": 2, "unit": "{tbl}"}}],
        },
        kind="MedicationStatement",
    )
    fields = read_bundle(json.dumps(_bundle(entry))).matched[0].fields
    assert (fields["release"], fields["strength"]) == ("ER", Decimal(20))
    assert fields["times"] == ["08:00", "20:00"]


def test_as_needed_with_a_maximum_per_day_keeps_the_maximum():
    entry = _request(
        "856999",
        "acetaminophen 325 MG / hydrocodone bitartrate 10 MG Oral Tablet",
        {
            "asNeededBoolean": True,
            "timing": {"repeat": {"frequency": 1, "period": 6, "periodUnit": "h"}},
            "maxDosePerPeriod": {
                "numerator": {"value": 3, "unit": "tablet"},
                "denominator": {"value": 1, "unit": "day", "code": "d"},
            },
        },
    )
    fields = read_bundle(json.dumps(_bundle(entry))).matched[0].fields
    assert fields["drug"] == "hydrocodone"
    assert fields["as_needed"] is True
    assert fields["max_prn_per_day"] == 3
    assert fields["times"] == []
    assert "acetaminophen" in fields["directions"]


def test_when_codes_and_a_patch_without_times_are_dosed():
    morning_evening = _request(
        "891888",
        "morphine sulfate 30 MG Extended Release Oral Tablet",
        {"timing": {"repeat": {"when": ["MORN", "EVE"]}}},
    )
    patch = _request("245134", "72 HR fentanyl 0.025 MG/HR Transdermal System", {})
    result = read_bundle(json.dumps(_bundle(morning_evening, patch)))
    morphine, fentanyl = (line.fields for line in result.matched)
    assert morphine["times"] == ["08:00", "18:00"]
    assert (fentanyl["strength"], fentanyl["unit"], fentanyl["form"]) == (25, "mcg/h", "patch")


def test_a_row_without_a_usable_dose_is_shown_as_such_and_never_added(patient, clinician):
    from taperwell.reports.services import medicines_import

    no_timing = _request("7804", "oxycodone", {"text": "as directed"})
    result = read_bundle(json.dumps(_bundle(no_timing)))
    assert not result.matched
    assert result.undosed[0].fields["drug"] == "oxycodone"
    assert "Not added" in result.undosed[0].reason
    medicines_import(patient=patient, by=clinician, result=result)
    assert not PatientMedication.objects.filter(patient=patient).exists()


def _url(patient):
    return f"/clinic/patients/{patient.public_id}/fhir-import/"


def test_the_preview_shows_the_bundles_patient_beside_ours_and_the_mme_before_and_after(
    client, patient, clinician
):
    patient.date_of_birth = date(1962, 3, 14)
    patient.save()
    client.force_login(clinician)
    document = json.dumps(_bundle(_patient_resource(), OXY_Q6H))
    response = client.post(_url(patient), {"document": document})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Maria Alvarez" in page
    assert "Mar 14, 1962" in page
    assert "MRN-00417" in page
    assert response.context["preview"].same_person is True
    assert (response.context["preview"].mme_before, response.context["preview"].mme_after) == (
        0,
        60,
    )
    assert "Check before adding" not in page
    response = client.post(_url(patient), {"document": document, "confirm": "1"})
    assert response.status_code == 302
    assert PatientMedication.objects.filter(patient=patient).count() == 1


def test_a_bundle_for_another_person_needs_a_confirmation_before_anything_is_added(
    client, patient, clinician
):
    patient.date_of_birth = date(1962, 3, 14)
    patient.save()
    client.force_login(clinician)
    document = json.dumps(_bundle(_patient_resource("Robert Chen", "1958-07-02"), OXY_Q6H))
    preview = client.post(_url(patient), {"document": document}).content.decode()
    assert "Check before adding" in preview
    assert "Robert Chen" in preview
    refused = client.post(_url(patient), {"document": document, "confirm": "1"})
    assert refused.status_code == 400
    assert "may be someone else" in refused.content.decode()
    assert not PatientMedication.objects.filter(patient=patient).exists()
    confirmed = client.post(
        _url(patient), {"document": document, "confirm": "1", "same_person": "1"}
    )
    assert confirmed.status_code == 302
    assert PatientMedication.objects.filter(patient=patient).count() == 1


def test_a_bundle_without_a_patient_needs_a_confirmation_too(client, patient, clinician):
    client.force_login(clinician)
    document = json.dumps(_bundle(OXY_Q6H))
    page = client.post(_url(patient), {"document": document}).content.decode()
    assert "the file does not say whose record it is" in page
    assert client.post(_url(patient), {"document": document, "confirm": "1"}).status_code == 400


def test_the_preview_warns_of_two_opioids_together(client, patient, clinician):
    from taperwell.medications.services import medication_add

    medication_add(
        patient=patient,
        by=clinician,
        drug="morphine",
        form="tablet",
        release="ER",
        strength=Decimal(30),
        unit="mg",
        times=["08:00", "20:00"],
    )
    client.force_login(clinician)
    document = json.dumps(_bundle(OXY_Q6H, OXY_Q6H))
    response = client.post(_url(patient), {"document": document})
    page = response.content.decode()
    assert "more than one opioid (morphine, oxycodone)" in page
    preview = response.context["preview"]
    # morphine ER 30 mg twice a day = 60 MME; plus oxycodone 60 MME twice over = 180
    assert (preview.mme_before, preview.mme_after) == (60, 180)


def test_the_preview_warns_of_a_medicine_already_on_the_list(client, patient, clinician):
    from taperwell.medications.services import medication_add

    medication_add(
        patient=patient,
        by=clinician,
        drug="oxycodone",
        form="tablet",
        release="IR",
        strength=Decimal(10),
        unit="mg",
        times=["08:00", "14:00", "20:00"],
    )
    client.force_login(clinician)
    response = client.post(_url(patient), {"document": json.dumps(_bundle(OXY_Q6H))})
    assert "oxycodone is already on the medicine list" in response.content.decode()


def test_the_demo_imports_dorothys_ehr_bundle_once_with_its_doses(
    demo_clinic, django_capture_on_commit_callbacks
):
    from taperwell.demo.ehr import dorothy_bundle
    from taperwell.demo.services import demo_load
    from taperwell.fhir.inbound import same_person
    from taperwell.medications.models import MedicationChange

    dorothy = demo_clinic.patients.get(full_name="Dorothy Brown")
    naproxen = PatientMedication.objects.get(patient=dorothy, drug="naproxen")
    assert (naproxen.strength, naproxen.unit, naproxen.times) == (
        Decimal(250),
        "mg",
        ["08:00", "20:00"],
    )
    assert MedicationChange.objects.filter(medication=naproxen, kind="added").exists()
    assert PatientMedication.objects.filter(patient=dorothy, drug="hydrocodone").count() == 1
    assert not PatientMedication.objects.filter(patient=dorothy, drug="ibuprofen").exists()
    result = dorothy_bundle()
    assert [line.fields["drug"] for line in result.undosed] == ["ibuprofen"]
    assert same_person(result.patient, name=dorothy.full_name, birth_date=dorothy.date_of_birth)
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
    assert PatientMedication.objects.filter(patient=dorothy).count() == 2


def test_a_bundle_holding_two_patients_needs_a_confirmation_and_says_so(client, patient, clinician):
    patient.date_of_birth = date(1962, 3, 14)
    patient.save()
    client.force_login(clinician)
    document = json.dumps(
        _bundle(_patient_resource(), _patient_resource("Robert Chen", "1958-07-02"), OXY_Q6H)
    )
    response = client.post(_url(patient), {"document": document})
    assert "The file holds 2 patients&#x27; records" in response.content.decode()
    assert response.context["preview"].same_person is False
