"""FHIR R4 export validates; export then import reproduces the medicines; unknowns are listed."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from taperwell.checkins.selectors import clinic_today
from taperwell.fhir.export import patient_bundle
from taperwell.fhir.inbound import BundleError, read_bundle
from taperwell.medications.models import MedicationStatus, PatientMedication
from taperwell.patients.models import Patient
from taperwell.reports.services import medicines_import

pytestmark = pytest.mark.django_db

FIELDS = ("drug", "form", "release", "strength", "unit", "times", "as_needed", "max_prn_per_day")


def _kinds(bundle):
    return [e["resource"]["resourceType"] for e in bundle["entry"]]


def test_every_demo_patients_bundle_validates_as_fhir_r4(demo_clinic, maria):
    for patient in Patient.objects.filter(clinic=demo_clinic).select_related("user", "clinic"):
        bundle = patient_bundle(patient, today=clinic_today(demo_clinic))
        Bundle.model_validate(bundle)
        json.dumps(bundle)


def test_marias_bundle_holds_each_kind_of_resource_with_its_codes(maria):
    bundle = patient_bundle(maria, today=clinic_today(maria.clinic))
    kinds = set(_kinds(bundle))
    for kind in (
        "Patient",
        "MedicationStatement",
        "CarePlan",
        "Observation",
        "QuestionnaireResponse",
        "Goal",
        "Flag",
    ):
        assert kind in kinds
    codes = {
        c["code"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        for c in e["resource"]["code"]["coding"]
    }
    assert {"44261-6", "70274-6", "72514-3"} <= codes
    peg = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "peg-total"
    ]
    assert peg
    assert "No LOINC code" in peg[0]["note"][0]["text"]
    oxy = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationStatement"
        and e["resource"]["medicationCodeableConcept"]["coding"][0]["code"] == "7804"
    ]
    assert oxy
    plan = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan"
    )
    assert len(plan["activity"]) >= 3


def test_exporting_then_importing_marias_medicines_keeps_the_dose_of_record(
    maria, maria_clinician, clinic
):
    from taperwell.medications.selectors import dose_of_record
    from tests import factories

    today = clinic_today(maria.clinic)
    record = dose_of_record(maria, on=today)
    bundle = patient_bundle(maria, today=today)
    newcomer = factories.make_patient(maria.clinic, full_name="New Arrival")
    result = read_bundle(json.dumps(bundle))
    assert not result.unknown
    # The prescription the plan replaced is exported as ended, so it does not come back as
    # current; everything the plan does not change comes back as it was.
    assert record.replaced
    ended = [line for line in result.skipped if "Status is completed" in line.reason]
    assert len(ended) == len(record.replaced)
    kept = [
        line
        for line in result.matched
        if not any(
            line.fields.get("drug") == m.drug and line.fields.get("release") == m.release
            for m in record.replaced
        )
    ]
    result.matched = kept
    created = medicines_import(patient=newcomer, by=maria_clinician, result=result)
    active = PatientMedication.objects.filter(patient=maria, status=MedicationStatus.ACTIVE)
    active = [m for m in active if m.pk not in record.replaced_ids]

    def rows(meds):
        return sorted(tuple(str(getattr(m, f)) for f in FIELDS) for m in meds)

    assert len(created) == len(active)
    assert rows(PatientMedication.objects.filter(patient=newcomer)) == rows(active)


def test_an_unknown_code_is_listed_for_a_clinician_and_nothing_is_dropped():
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "MedicationRequest",
                    "status": "active",
                    "intent": "order",
                    "subject": {"reference": "Patient/1"},
                    "medicationCodeableConcept": {
                        "coding": [
                            {
                                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                "code": "999999999",
                                "display": "Zorbitol 5 mg",
                            }
                        ]
                    },
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "status": "active",
                    "subject": {"reference": "Patient/1"},
                    "medicationCodeableConcept": {
                        "coding": [
                            {
                                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                "code": "7052",
                            }
                        ],
                        "text": "morphine IR tablet 15 mg",
                    },
                    "dosage": [
                        {
                            "text": "twice a day",
                            "timing": {"repeat": {"timeOfDay": ["08:00:00", "20:00:00"]}},
                            "doseAndRate": [{"doseQuantity": {"value": 15, "unit": "mg"}}],
                        }
                    ],
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "status": "stopped",
                    "subject": {"reference": "Patient/1"},
                    "medicationCodeableConcept": {"text": "tramadol 50 mg"},
                }
            },
            {"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"}}},
        ],
    }
    result = read_bundle(json.dumps(bundle))
    assert result.total == 4
    assert [line.code for line in result.unknown] == ["999999999"]
    assert "Zorbitol" in result.unknown[0].text
    assert result.matched[0].fields["drug"] == "morphine"
    assert result.matched[0].fields["times"] == ["08:00", "20:00"]
    assert "stopped" in result.skipped[0].reason
    assert result.skipped[1].text == "Observation"


def test_a_file_that_is_not_a_bundle_is_refused_with_a_reason():
    with pytest.raises(BundleError, match="not JSON"):
        read_bundle("not json")
    with pytest.raises(BundleError, match="Bundle"):
        read_bundle(json.dumps({"resourceType": "Patient"}))
