"""Writes for reports: importing medicines, research consent, visit notes, patient exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from taperwell.checkins.selectors import clinic_today
from taperwell.fhir.inbound import ImportResult
from taperwell.medications.models import PatientMedication
from taperwell.medications.services import medication_add
from taperwell.reports.models import ResearchChoice, ResearchConsent, VisitNote

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.patients.models import Patient


@transaction.atomic
def medicines_import(
    *, patient: Patient, by: User, result: ImportResult
) -> list[PatientMedication]:
    """Add every matched medicine to the patient's list (through the medicines service, so each
    addition is checked and recorded as usual). Unknown and skipped lines are left for a person."""
    created = []
    for line in result.matched:
        fields = {k: v for k, v in line.fields.items() if v not in (None, "")}
        fields.setdefault("times", [])
        # On the list from the day it came in, unless the record says when it began.
        fields.setdefault("started_on", clinic_today(patient.clinic))
        created.append(medication_add(patient=patient, by=by, **fields))
    return created


@transaction.atomic
def research_consent_record(*, patient: Patient, given: bool) -> ResearchConsent:
    row = ResearchConsent(
        patient=patient, choice=ResearchChoice.GIVEN if given else ResearchChoice.WITHDRAWN
    )
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def visit_note_create(*, patient: Patient, body: str) -> VisitNote:
    note = VisitNote(patient=patient, body=body.strip())
    note.full_clean()
    note.save()
    return note
