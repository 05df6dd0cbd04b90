"""Two PDFs: the care team's visit summary, and the patient's own in plain words.

Flag notes are clinical notes: never in the patient's PDF or export, hidden from front-desk
staff when the clinic hides notes.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from taperwell.accounts.models import User
from taperwell.care.models import Flag
from taperwell.care.services import flag_acknowledge
from taperwell.medications.selectors import dose_of_record
from taperwell.reports.patient_export import export_zip
from taperwell.reports.services import visit_note_create
from tests import factories

pytestmark = pytest.mark.django_db

DRUG_SEEKING = "pt is drug seeking"


def _run(args):
    # poppler-utils' tools, with arguments made by the test itself.
    return subprocess.run(args, check=True, capture_output=True, text=True)  # noqa: S603


def _text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    return " ".join(_run(["/usr/bin/pdftotext", str(path), "-"]).stdout.split())


def _info(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return _run(["/usr/bin/pdfinfo", str(path)]).stdout


@pytest.fixture
def urgent_maria(maria, maria_clinician):
    """Maria with an urgent flag still open and a clinician's blunt note on another flag."""
    open_urgent = Flag.objects.filter(patient=maria, severity="urgent", status="open").exists()
    if not open_urgent:
        from taperwell.care.services import flag_raise
        from taperwell.checkins.selectors import clinic_today

        flag_raise(
            patient=maria,
            rule="self-harm",
            severity="urgent",
            reason="Thoughts of self-harm in the check-in",
            action="call",
            day=clinic_today(maria.clinic),
            source="bump-rules",
        )
    noted = Flag.objects.filter(patient=maria, status="open").exclude(severity="urgent").first()
    if noted is None:
        from taperwell.care.services import flag_raise
        from taperwell.checkins.selectors import clinic_today

        noted = flag_raise(
            patient=maria,
            rule="prn-over-plan",
            severity="moderate",
            reason="More as-needed doses than planned",
            action="call",
            day=clinic_today(maria.clinic),
            source="bump-rules",
        )
    flag_acknowledge(flag=noted, by=maria_clinician, note=DRUG_SEEKING)
    visit_note_create(patient=maria, body="I want to talk about my sleep.")
    return maria


def test_the_patients_own_pdf_is_in_plain_words_with_no_flags_notes_or_rule_codes(
    client, urgent_maria, tmp_path
):
    client.force_login(urgent_maria.user)
    sections = ["medicines", "plan", "checkins", "goals", "note"]
    response = client.get(reverse("reports:my_summary"), {"sections": sections})
    assert response.status_code == 200
    text = _text(response.content, tmp_path)
    record = dose_of_record(urgent_maria)
    assert f"My daily dose: {record.mme_per_day.normalize():f} MME a day." in text
    assert "20 mg at 08:00; 15 mg + 10 mg at 20:00" in text
    assert "I want to talk about my sleep." in text
    assert "My check-ins and practice" in text
    assert "988" in text  # crisis help is on every patient page, and on their paper too
    for never in (
        DRUG_SEEKING,
        "coma and death",
        "Not yet handled",
        "Urgent",
        "Thoughts of self-harm",
        "OH-",
        "Ohio",
        "Total: 112.5",
        "Threshold",
    ):
        assert never not in text, never


def test_both_pdfs_are_tagged_for_screen_readers(client, urgent_maria, maria_clinician, tmp_path):
    client.force_login(urgent_maria.user)
    mine = client.get(reverse("reports:my_summary"), {"sections": ["medicines"]})
    client.force_login(maria_clinician)
    theirs = client.get(reverse("reports:summary", args=[urgent_maria.public_id]))
    for response in (mine, theirs):
        info = _info(response.content, tmp_path)
        assert re.search(r"^Tagged:\s+yes$", info, re.M)


def test_the_patients_export_holds_their_own_pdf_not_the_clinicians(urgent_maria, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(export_zip(urgent_maria)))
    text = _text(archive.read("visit-summary.pdf"), tmp_path)
    assert "My visit summary" in text
    assert DRUG_SEEKING not in text
    assert "coma and death" not in text
    assert all(
        DRUG_SEEKING not in archive.read(name).decode()
        for name in archive.namelist()
        if name.endswith((".csv", ".json"))
    )


def test_the_clinicians_pdf_keeps_flag_notes_but_front_desk_does_not_see_them(
    client, urgent_maria, maria_clinician, tmp_path
):
    client.force_login(maria_clinician)
    url = reverse("reports:summary", args=[urgent_maria.public_id])
    assert DRUG_SEEKING in _text(client.get(url).content, tmp_path)
    desk = User.objects.get(email="frontdesk@example.org")
    factories.give_totp(desk)
    assert not urgent_maria.clinic.staff_can_read_clinical_notes
    client.force_login(desk)
    assert client.get(url).status_code == 403
    page = client.get(reverse("care:patient", args=[urgent_maria.public_id]))
    assert page.status_code == 403
    assert DRUG_SEEKING not in page.content.decode()


def test_front_desk_reads_no_flag_notes_even_when_the_old_note_setting_is_on(
    client, urgent_maria, maria_clinician
):
    clinic = urgent_maria.clinic
    clinic.staff_can_read_clinical_notes = True
    clinic.save(update_fields=["staff_can_read_clinical_notes"])
    desk = User.objects.get(email="frontdesk@example.org")
    factories.give_totp(desk)
    client.force_login(desk)
    page = client.get(reverse("care:patient", args=[urgent_maria.public_id]))
    assert page.status_code == 403
    assert DRUG_SEEKING not in page.content.decode()


def test_the_flag_forms_say_who_reads_the_note(client, urgent_maria, maria_clinician):
    client.force_login(maria_clinician)
    page = client.get(reverse("care:patient", args=[urgent_maria.public_id])).content.decode()
    assert "A clinical note: clinicians read it, never the patient." in page


def test_both_pdfs_carry_the_identity_an_ehr_matches_on(
    client, urgent_maria, maria_clinician, tmp_path
):
    assert urgent_maria.date_of_birth is not None
    assert urgent_maria.record_number
    assert urgent_maria.phone
    client.force_login(maria_clinician)
    theirs = _text(
        client.get(reverse("reports:summary", args=[urgent_maria.public_id])).content, tmp_path
    )
    assert f"MRN {urgent_maria.record_number}" in theirs
    assert f"phone {urgent_maria.phone}" in theirs
    assert urgent_maria.date_of_birth.strftime("%b %-d, %Y") in theirs
    client.force_login(urgent_maria.user)
    mine = _text(
        client.get(reverse("reports:my_summary"), {"sections": ["medicines"]}).content, tmp_path
    )
    assert f"clinic record number {urgent_maria.record_number}" in mine
