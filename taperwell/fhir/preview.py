"""What the FHIR import preview shows before anything is added: whose record the Bundle is,
beside ours; the MME per day before and after; and what needs a second look."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from taperwell.clinical.formulary import load_formulary
from taperwell.fhir.export import TW
from taperwell.fhir.inbound import BundlePatient, ImportResult, same_person

if TYPE_CHECKING:
    from taperwell.patients.models import Patient


@dataclass(frozen=True)
class ImportPreview:
    bundle_patient: BundlePatient | None
    our_name: str
    our_birth_date: date | None
    our_identifiers: tuple[str, ...]
    same_person: bool  # False: a person must confirm before anything is added
    mme_before: Decimal | None  # None: cannot be counted
    mme_after: Decimal | None
    warnings: tuple[str, ...]


def import_preview(patient: Patient, result: ImportResult) -> ImportPreview:
    from taperwell.medications.models import PatientMedication
    from taperwell.medications.selectors import active_medications, mme_of
    from taperwell.tapering.engine import pack_for

    pack = pack_for(patient.clinic)
    current = active_medications(patient)
    proposed = [
        PatientMedication(patient=patient, **{k: v for k, v in line.fields.items() if v != ""})
        for line in result.matched
    ]
    formulary = load_formulary()
    warnings = []
    if result.patients_in_file > 1:
        warnings.append(
            f"The file holds {result.patients_in_file} patients' records; only the first is "
            "shown. Import a file with this patient's record alone."
        )
    listed = {(m.drug, m.release) for m in current}
    for line in result.matched:
        if (line.fields["drug"], line.fields.get("release", "")) in listed:
            warnings.append(
                f"{line.text}: {line.fields['drug']} is already on the medicine list. Adding it "
                "again counts it twice; stop the old row if this one replaces it."
            )
    opioids = sorted(
        {
            m.drug
            for m in [*current, *proposed]
            if (drug := formulary.find(m.drug)) is not None and drug.is_opioid
        }
    )
    if len(opioids) >= 2:
        warnings.append(
            f"After this import the patient takes more than one opioid ({', '.join(opioids)}): "
            "review the total dose and the overdose risk together."
        )
    return ImportPreview(
        bundle_patient=result.patient,
        our_name=patient.full_name,
        our_birth_date=patient.date_of_birth,
        our_identifiers=(f"{TW}/patient {patient.public_id}",),
        same_person=result.patients_in_file == 1
        and same_person(result.patient, name=patient.full_name, birth_date=patient.date_of_birth),
        mme_before=mme_of(current, pack),
        mme_after=mme_of([*current, *proposed], pack),
        warnings=tuple(warnings),
    )
