"""The rest of issue 18's point 8: nothing stock is said on a clinician's behalf, and a new
patient with no medicines reads as "no medicines yet" with the next step, never as 0 MME."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from taperwell.care.services import flag_raise
from taperwell.patients.models import Patient, PatientStatus
from tests.care.builders import oxycodone_er

pytestmark = pytest.mark.django_db


def test_the_encouragement_box_starts_empty_even_next_to_a_self_harm_flag(
    client, clinician, patient
):
    flag_raise(
        patient=patient,
        rule="phq9-item9",
        severity="urgent",
        reason="PHQ-9 item 9 answered above zero",
        action="call",
        day=patient.clinic.created_at.date(),
        source="bump-rules",
    )
    client.force_login(clinician)
    page = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    box = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert box is not None
    assert box.group(1).strip() == ""
    assert "proud" not in page


def _triage_row(client, patient) -> str:
    page = client.post(reverse("care:dashboard"), {"scope": "all"}).content.decode()
    rows = [row for row in page.split("<tr") if patient.full_name in row]
    assert len(rows) == 1
    return rows[0]


def test_an_invited_patient_with_no_medicines_shows_no_medicines_yet_and_the_next_step(
    client, clinician, patient
):
    Patient.objects.filter(pk=patient.pk).update(status=PatientStatus.INVITED)
    client.force_login(clinician)
    row = _triage_row(client, patient)
    assert "No medicines yet" in row
    assert "Add their medicines" in row
    assert reverse("medications:list", args=[patient.public_id]) in row
    assert not re.search(r">\s*0(\.0)?\s*<", row)


def test_a_patient_with_medicines_shows_their_mme_and_no_prompt(client, clinician, patient):
    oxycodone_er(patient, clinician)
    client.force_login(clinician)
    row = _triage_row(client, patient)
    assert "No medicines yet" not in row
    assert "Add their medicines" not in row


def test_marking_a_care_note_in_error_takes_a_reason_and_a_confirmation(client, clinician, patient):
    from taperwell.care.services import note_create

    note = note_create(patient=patient, author=clinician, body="Spoke with her daughter.")
    client.force_login(clinician)
    url = reverse("care:note_error", args=[note.public_id])
    page = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert 'name="reason"' in page
    assert 'name="confirm"' in page
    client.post(url)  # one click, no reason, no confirmation
    client.post(url, {"reason": "Wrong patient"})  # a reason but no confirmation
    note.refresh_from_db()
    assert note.status == "current"
    client.post(url, {"reason": "Wrong patient", "confirm": "on"})
    note.refresh_from_db()
    assert note.status == "entered_in_error"
    assert note.error_reason == "Wrong patient"
    page = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert "Wrong patient" in page


def test_marking_a_medicine_in_error_takes_a_reason_and_a_confirmation(client, clinician, patient):
    medicine = oxycodone_er(patient, clinician)
    client.force_login(clinician)
    url = reverse("medications:status", args=[medicine.public_id])
    client.post(url, {"status": "entered_in_error"})  # one click
    client.post(url, {"status": "entered_in_error", "reason": "Duplicate entry"})
    medicine.refresh_from_db()
    assert medicine.status == "active"
    client.post(url, {"status": "entered_in_error", "reason": "Duplicate entry", "confirm": "on"})
    medicine.refresh_from_db()
    assert medicine.status == "entered_in_error"
    assert medicine.changes.filter(reason="Duplicate entry").exists()
