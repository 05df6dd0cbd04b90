"""A patient as a FHIR R4 Bundle (validated with fhir.resources' R4B models, wire-compatible
with R4 for every resource used here).

Codes: RxNorm ingredient codes for medicines; LOINC for pain (72514-3), the PHQ-9 total
(44261-6) and the GAD-7 total (70274-6). The PEG and SOWS totals and the daily check-in scales
carry a taperwell code instead, and say in the resource that no LOINC code is used for them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from taperwell.care.models import Flag
from taperwell.care.selectors import UNRESOLVED
from taperwell.checkins.models import CheckIn, EntryStatus, QuestionnaireResponse
from taperwell.clinical.formulary import load_formulary
from taperwell.clinical.instruments import highest_total
from taperwell.goals.models import Goal
from taperwell.medications.models import MedicationStatus, PatientMedication
from taperwell.medications.selectors import DoseLine, DoseOfRecord, DoseSource, dose_of_record
from taperwell.patients.models import TAKING_PART, Patient
from taperwell.reports.summary import rxcui_of
from taperwell.tapering.models import PlanStatus
from taperwell.tapering.selectors import current_plan, schedule_of

if TYPE_CHECKING:
    from taperwell.clinics.models import Clinic

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"
TW = "https://taperwell.org/fhir"
PRODUCT = f"{TW}/CodeSystem/product"  # drug/release/form, so a round trip keeps them
TW_OBSERVATION = f"{TW}/CodeSystem/observation"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"  # identifier types: MR = record number
BCP47 = "urn:ietf:bcp:47"

# instrument → (LOINC code or None, display)
INSTRUMENT_CODES: dict[str, tuple[str | None, str]] = {
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
    "peg": (
        None,
        "PEG (pain, enjoyment of life, general activity) mean score, "
        f"0-{highest_total('peg')}",
    ),
    "sows": (None, f"Subjective Opiate Withdrawal Scale (SOWS) total, 0-{highest_total('sows')}"),
}
NO_LOINC = "No LOINC code is used for this score; the code is taperwell's own."
PAIN_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")

MED_STATUS = {
    MedicationStatus.ACTIVE: "active",
    MedicationStatus.STOPPED: "stopped",
    MedicationStatus.ENTERED_IN_ERROR: "entered-in-error",
}
GOAL_STATUS = {
    "active": "active",
    "reached": "completed",
    "set_aside": "on-hold",
    "entered_in_error": "entered-in-error",
}


def _ref(kind: str, public_id: Any) -> dict[str, str]:
    return {"reference": f"urn:uuid:{public_id}", "type": kind}


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def patient_resource(patient: Patient) -> dict[str, Any]:
    parts = patient.full_name.split()
    name: dict[str, Any] = {"use": "official", "text": patient.full_name}
    if len(parts) > 1:
        name["family"] = parts[-1]
        name["given"] = parts[:-1]
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.public_id),
        "identifier": patient_identifiers(patient),
        "active": patient.status in TAKING_PART,  # maintenance is still in care
        "name": [name],
    }
    if patient.preferred_name:
        resource["name"].append({"use": "usual", "given": [patient.preferred_name]})
    telecom = []
    if patient.user_id and patient.user.email:
        telecom.append({"system": "email", "value": patient.user.email})
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone, "rank": 1})
    if telecom:
        resource["telecom"] = telecom
    if patient.date_of_birth:
        resource["birthDate"] = patient.date_of_birth.isoformat()
    if patient.preferred_language:
        language = {"system": BCP47, "code": patient.preferred_language}
        resource["communication"] = [{"language": {"coding": [language]}, "preferred": True}]
    return resource


def record_number_system(clinic: Clinic) -> str:
    """The clinic's identifier system for its record numbers (MRNs), stable per clinic."""
    return f"{TW}/clinics/{clinic.slug}/record-number"


def patient_identifiers(patient: Patient) -> list[dict[str, Any]]:
    """taperwell's own id, and the clinic's record number (typed MR) so an EHR can match it."""
    identifiers: list[dict[str, Any]] = [
        {"system": f"{TW}/patient", "value": str(patient.public_id)}
    ]
    if patient.record_number:
        identifiers.append(
            {
                "use": "usual",
                "type": {"coding": [{"system": V2_0203, "code": "MR"}], "text": "MRN"},
                "system": record_number_system(patient.clinic),
                "value": patient.record_number,
            }
        )
    return identifiers


def medication_statement(med: PatientMedication, patient: Patient) -> dict[str, Any]:
    coding = []
    rxcui = rxcui_of(med)
    if rxcui:
        coding.append({"system": RXNORM, "code": rxcui, "display": med.drug})
    coding.append(
        {"system": PRODUCT, "code": f"{med.drug}|{med.release}|{med.form}", "display": med.label}
    )
    dosage: dict[str, Any] = {"text": med.directions or med.label}
    if med.times:
        dosage["timing"] = {"repeat": {"timeOfDay": [f"{t}:00" for t in med.times]}}
    if med.as_needed:
        dosage["asNeededBoolean"] = True
        if med.max_prn_per_day:
            dosage["maxDosePerPeriod"] = {
                "numerator": {"value": med.max_prn_per_day, "unit": "dose"},
                "denominator": {
                    "value": 1,
                    "unit": "d",
                    "system": "http://unitsofmeasure.org",
                    "code": "d",
                },
            }
    if med.strength is not None:
        dosage["doseAndRate"] = [{"doseQuantity": {"value": float(med.strength), "unit": med.unit}}]
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": str(med.public_id),
        "status": MED_STATUS.get(med.status, "unknown"),
        "medicationCodeableConcept": {"coding": coding, "text": med.label},
        "subject": _ref("Patient", patient.public_id),
        "dosage": [dosage],
    }
    if med.started_on or med.stopped_on:
        period = {"start": _iso(med.started_on), "end": _iso(med.stopped_on)}
        resource["effectivePeriod"] = {k: v for k, v in period.items() if v}
    return resource


def _plan_dosages(line: DoseLine) -> list[dict[str, Any]]:
    """One Dosage per time of day, all taken together (the same `sequence`): the plan's doses
    can differ morning and evening. When every time has the same amount, one Dosage lists them.
    An as-needed line the plan tapers gives its strength and the most doses a day."""
    if line.as_needed:
        dosage: dict[str, Any] = {"sequence": 1, "text": line.text, "asNeededBoolean": True}
        if line.as_needed_strength is not None:
            dosage["doseAndRate"] = [
                {"doseQuantity": {"value": float(line.as_needed_strength), "unit": line.unit}}
            ]
        if line.as_needed_max_per_day:
            dosage["maxDosePerPeriod"] = {
                "numerator": {"value": line.as_needed_max_per_day, "unit": "dose"},
                "denominator": {
                    "value": 1,
                    "unit": "d",
                    "system": "http://unitsofmeasure.org",
                    "code": "d",
                },
            }
        return [dosage]
    amounts = {a.amount for a in line.administrations}
    if len(amounts) == 1:
        return [
            {
                "sequence": 1,
                "text": line.text,
                "timing": {"repeat": {"timeOfDay": [f"{a.time}:00" for a in line.administrations]}},
                "doseAndRate": [
                    {"doseQuantity": {"value": float(amounts.pop()), "unit": line.unit}}
                ],
            }
        ]
    dosages = []
    for administration in line.administrations:
        dosage = {
            "sequence": 1,
            "text": line.text,
            "timing": {"repeat": {"timeOfDay": [f"{administration.time}:00"]}},
            "doseAndRate": [
                {"doseQuantity": {"value": float(administration.amount), "unit": line.unit}}
            ],
        }
        dosages.append(dosage)
    return dosages or [{"text": line.text}]


def plan_medication_statement(
    line: DoseLine, record: DoseOfRecord, patient: Patient, *, other_product: bool = False
) -> dict[str, Any]:
    """The dose of record from the approved plan's step in force, as its own statement
    (`other_product`: another product of a plan line, a formulation change, with its own id)."""
    found = load_formulary().find(line.drug)
    coding = []
    if found is not None and found.rxcui:
        coding.append({"system": RXNORM, "code": found.rxcui, "display": found.name})
    label = line.name
    coding.append(
        {"system": PRODUCT, "code": f"{line.drug}|{line.release}|{line.form}", "display": label}
    )
    key = f"{TW}/plan/{record.plan_id}/step/{record.step_index}/{line.drug}|{line.release}"
    if other_product:
        key += f"|{line.form}"
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, key)),
        "basedOn": [_ref("CarePlan", record.plan_id)],
        "status": "on-hold" if record.paused else "active",
        "medicationCodeableConcept": {"coding": coding, "text": label},
        "subject": _ref("Patient", patient.public_id),
        "dosage": _plan_dosages(line),
        "note": [
            {
                "text": f"Taper step {record.step_index} of the approved plan, "
                f"{_mme_text(record)}: the dose of record."
            }
        ],
    }
    if record.since:
        resource["effectivePeriod"] = {"start": record.since.isoformat()}
    return resource


def _mme_text(record: DoseOfRecord) -> str:
    if record.mme_per_day is None:
        return "MME/day unknown"
    return f"{record.mme_per_day.normalize():f} MME/day in all"


def medication_statements(patient: Patient, *, today: date) -> list[dict[str, Any]]:
    """Every row of the medicine list, and the dose of record: a prescription the approved plan
    replaced ends where the plan began, and the plan's current doses are their own statement."""
    record = dose_of_record(patient, on=today)
    replaced = record.replaced_ids
    statements = []
    for med in PatientMedication.objects.filter(patient=patient).order_by("drug", "pk"):
        resource = medication_statement(med, patient)
        if med.pk in replaced and record.plan_started:
            resource["status"] = "completed"
            period = {"start": _iso(med.started_on), "end": record.plan_started.isoformat()}
            resource["effectivePeriod"] = {k: v for k, v in period.items() if v}
            resource["note"] = [{"text": "Replaced by the approved taper plan."}]
        statements.append(resource)
    for line in record.lines:
        if line.source == DoseSource.PLAN and not line.stopped:
            # A formulation change is its own product: the oral solution is coded as the
            # solution with its own doses, never as more of the line's ER tablets.
            for product in line.by_product():
                other = (product.release, product.form) != (line.release, line.form)
                statements.append(
                    plan_medication_statement(product, record, patient, other_product=other)
                )
    return statements


def care_plan(patient: Patient, today: date) -> dict[str, Any] | None:
    plan = current_plan(patient)
    if plan is None or not plan.schedule:
        return None
    activities = []
    for planned in schedule_of(plan).steps:
        step, start, end = planned.document, planned.start, planned.end
        if end is not None and end < today:
            status = "completed"
        elif start <= today:
            status = "on-hold" if planned.paused else "in-progress"
        else:
            status = "scheduled"
        period = {"start": start.isoformat()}
        if end is not None:
            period["end"] = end.isoformat()
        mme = step.get("mme_per_day")
        activities.append(
            {
                "detail": {
                    "kind": "MedicationRequest",
                    "code": {"text": f"Taper step {step.get('index')}"},
                    "status": status,
                    "scheduledPeriod": period,
                    "description": (
                        f"{step.get('text', '')} ({mme} MME/day)"
                        if mme is not None
                        else step.get("text", "")
                    ),
                }
            }
        )
    return {
        "resourceType": "CarePlan",
        "id": str(plan.public_id),
        "status": "on-hold" if plan.status == PlanStatus.PAUSED else "active",
        "intent": "plan",
        "title": "Opioid taper",
        "description": (
            f"Gradual opioid taper from {plan.schedule.get('baseline_mme_per_day')} MME/day, "
            f"approved by a clinician. Guideline: {plan.schedule.get('guideline', '')}."
        ),
        "subject": _ref("Patient", patient.public_id),
        "created": _iso(plan.approved_at or plan.created_at),
        "activity": activities,
    }


def _observation(
    patient: Patient,
    *,
    id: str,
    day: date,
    coding: list[dict[str, str]],
    text: str,
    value: float,
    note: str = "",
    derived_from: str | None = None,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": {"coding": coding, "text": text},
        "subject": _ref("Patient", patient.public_id),
        "effectiveDateTime": day.isoformat(),
    }
    if float(value).is_integer():
        resource["valueInteger"] = int(value)
    else:
        resource["valueQuantity"] = {"value": float(value), "unit": "{score}"}
    if note:
        resource["note"] = [{"text": note}]
    if derived_from:
        resource["derivedFrom"] = [_ref("QuestionnaireResponse", derived_from)]
    return resource


def questionnaire_response(r: QuestionnaireResponse, patient: Patient) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(r.public_id),
        "questionnaire": f"{TW}/Questionnaire/{r.instrument}|{r.instrument_version}",
        "status": "completed" if r.status == EntryStatus.CURRENT else "entered-in-error",
        "subject": _ref("Patient", patient.public_id),
        "authored": r.completed_at.isoformat(),
        "item": [
            {"linkId": str(n), "answer": [{"valueInteger": int(a)}]}
            for n, a in enumerate(r.answers, start=1)
        ],
    }


def patient_bundle(patient: Patient, *, today: date) -> dict[str, Any]:
    """Everything a receiving system needs about the patient's taper, as one collection."""
    entries = [_entry(patient_resource(patient))]
    for statement in medication_statements(patient, today=today):
        entries.append(_entry(statement))
    plan = care_plan(patient, today)
    if plan is not None:
        entries.append(_entry(plan))
    for c in CheckIn.objects.filter(patient=patient, status=EntryStatus.CURRENT).order_by("day"):
        entries.append(
            _entry(
                _observation(
                    patient,
                    id=f"{c.public_id}",
                    day=c.day,
                    coding=[{"system": LOINC, "code": PAIN_LOINC[0], "display": PAIN_LOINC[1]}],
                    text="Pain today (0-10)",
                    value=c.pain,
                )
            )
        )
    responses = QuestionnaireResponse.objects.filter(
        patient=patient, status=EntryStatus.CURRENT
    ).order_by("day", "pk")
    for r in responses:
        entries.append(_entry(questionnaire_response(r, patient)))
        loinc, display = INSTRUMENT_CODES.get(r.instrument, (None, r.instrument))
        coding = (
            [{"system": LOINC, "code": loinc, "display": display}]
            if loinc
            else [{"system": TW_OBSERVATION, "code": f"{r.instrument}-total", "display": display}]
        )
        entries.append(
            _entry(
                _observation(
                    patient,
                    id=_derived_id(r.public_id),
                    day=r.day,
                    coding=coding,
                    text=display,
                    value=float(r.total),
                    note="" if loinc else NO_LOINC,
                    derived_from=str(r.public_id),
                )
            )
        )
    for goal in Goal.objects.filter(patient=patient).order_by("pk"):
        entries.append(
            _entry(
                {
                    "resourceType": "Goal",
                    "id": str(goal.public_id),
                    "lifecycleStatus": GOAL_STATUS.get(goal.status, "active"),
                    "description": {"text": goal.title},
                    "subject": _ref("Patient", patient.public_id),
                    "startDate": goal.created_at.date().isoformat(),
                }
            )
        )
    for flag in Flag.objects.filter(patient=patient, status__in=UNRESOLVED).order_by("pk"):
        entries.append(
            _entry(
                {
                    "resourceType": "Flag",
                    "id": str(flag.public_id),
                    "status": "active",
                    "category": [{"text": "taper follow-up"}],
                    "code": {
                        "coding": [
                            {
                                "system": f"{TW}/CodeSystem/bump-rule",
                                "code": flag.rule,
                                "display": flag.rule_label,
                            }
                        ],
                        "text": f"{flag.get_severity_display()}: {flag.rule_label}",
                    },
                    "subject": _ref("Patient", patient.public_id),
                    "period": {"start": flag.day.isoformat()},
                }
            )
        )
    bundle = {
        "resourceType": "Bundle",
        "id": str(patient.public_id),
        "type": "collection",
        "timestamp": datetime.now().astimezone().isoformat(),
        "entry": entries,
    }
    validate(bundle)
    return bundle


def _derived_id(public_id: Any) -> str:
    # A stable id for the total's Observation, distinct from the QuestionnaireResponse's.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{TW}/total/{public_id}"))


def validate(bundle: dict[str, Any]) -> None:
    """Raise pydantic's ValidationError when the Bundle or any resource in it is not valid R4."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)
