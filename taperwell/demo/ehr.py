"""The demo's imported health-record Bundle: Dorothy Brown's medicines as her EHR lists them.

Loaded through the same reading and import as the clinic's FHIR import page: her hydrocodone
was already on her list (the preview warns of it, so it is not added twice), naproxen is added
with its dose, ibuprofen "as directed" has no dose and is left for a person, and a stopped
tramadol is not imported. The file is `data/dorothy_ehr_bundle.json`; a clinician can upload it
on Dorothy's import page to see the preview. Idempotent.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from taperwell.clinics.models import Clinic, Membership
from taperwell.fhir.inbound import ImportResult, read_bundle
from taperwell.patients.models import Patient

BUNDLE = Path(__file__).resolve().parent / "data" / "dorothy_ehr_bundle.json"
PATIENT_EMAIL = "dorothy@example.org"
IMPORTED_BY = "np@example.org"


def dorothy_bundle() -> ImportResult:
    return read_bundle(BUNDLE.read_text(encoding="utf-8"))


@transaction.atomic
def load(clinic: Clinic) -> None:
    from taperwell.medications.selectors import active_medications
    from taperwell.reports.services import medicines_import

    patient = Patient.objects.filter(clinic=clinic, user__email=PATIENT_EMAIL).first()
    if patient is None:
        return
    result = dorothy_bundle()
    if patient.date_of_birth is None and result.patient and result.patient.birth_date:
        patient.date_of_birth = result.patient.birth_date
        patient.save(update_fields=["date_of_birth"])
    listed = {m.drug for m in active_medications(patient)}
    new = [line for line in result.matched if line.fields["drug"] not in listed]
    if not new:
        return
    by = Membership.objects.get(clinic=clinic, user__email=IMPORTED_BY).user
    medicines_import(patient=patient, by=by, result=ImportResult(matched=new))
