"""Records saved with the old spelling, "entered-in-error", read as entered in error after the
migration, like every other entry marked as a mistake."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from taperwell.care.models import ClinicalNote, NoteStatus
from taperwell.care.services import note_create
from taperwell.medications.models import MedicationChange, MedicationStatus, PatientMedication
from taperwell.medications.selectors import active_medications
from tests.care.builders import oxycodone_er

pytestmark = pytest.mark.django_db


def _respell(app: str):
    return importlib.import_module(f"taperwell.{app}.migrations.0003_entered_in_error_spelling")


def test_old_spellings_become_the_one_spelling_and_back(patient, clinician):
    note = note_create(patient=patient, author=clinician, body="Wrong patient")
    kept = oxycodone_er(patient, clinician)
    mistaken = PatientMedication.objects.create(
        patient=patient, drug="tramadol", strength=Decimal(50), unit="mg"
    )
    change = MedicationChange.objects.create(medication=mistaken, kind="added", by=clinician)
    # What a database written before the change holds.
    ClinicalNote.objects.filter(pk=note.pk).update(status="entered-in-error")
    PatientMedication.objects.filter(pk=mistaken.pk).update(status="entered-in-error")
    MedicationChange.objects.filter(pk=change.pk).update(kind="entered-in-error")

    _respell("care").respell("entered-in-error", "entered_in_error")(apps, None)
    _respell("medications").respell("entered-in-error", "entered_in_error")(apps, None)

    assert ClinicalNote.objects.get(pk=note.pk).status == NoteStatus.ENTERED_IN_ERROR
    assert PatientMedication.objects.get(pk=mistaken.pk).status == MedicationStatus.ENTERED_IN_ERROR
    assert MedicationChange.objects.get(pk=change.pk).kind == "entered_in_error"
    assert active_medications(patient) == [kept]

    _respell("medications").respell("entered_in_error", "entered-in-error")(apps, None)
    assert PatientMedication.objects.get(pk=mistaken.pk).status == "entered-in-error"
