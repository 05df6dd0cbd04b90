"""The visit summary PDF, the patient's export job, the research export and the API's walls."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from taperwell.api.services import api_token_create, api_token_revoke
from taperwell.audit.models import AuditEvent
from taperwell.patients.models import Patient
from taperwell.reports.models import ExportStatus, PatientExport
from taperwell.reports.services import research_consent_record, visit_note_create

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _run(args, **kwargs):
    # poppler-utils' tools, with arguments made by the test itself.
    return subprocess.run(args, **kwargs)  # noqa: S603


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    return _run(
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_the_clinicians_visit_summary_pdf_shows_mme_steps_and_flags(
    client, maria, maria_clinician, tmp_path
):
    visit_note_create(patient=maria, body="I want to talk about sleep.")
    client.force_login(maria_clinician)
    response = client.get(f"/clinic/patients/{maria.public_id}/summary.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert re.search(r"Dose of record on \w+ \d+, \d{4}: [\d.]+ MME/day", text)
    assert "Taper plan" in text
    assert re.search(r"^\s*1\s+\d{4}-\d\d-\d\d", text, re.M)  # step 1 with its date
    from taperwell.care.models import Flag

    flat = " ".join(text.split())
    flags = Flag.objects.filter(patient=maria)
    assert flags
    for flag in flags:
        assert f"{flag.get_severity_display()}: {flag.rule_label.split()[0]}" in flat
    assert "Called the patient" in text  # how the flag was handled
    assert "I want to talk about sleep." in text
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            _run(
                ["/usr/bin/pdfinfo", str(tmp_path / "summary.pdf")], capture_output=True, text=True
            ).stdout,
        ).group(1)
    )
    assert pages <= 2
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "visit-summary.pdf").write_bytes(response.content)
    _run(
        [
            "pdftoppm",
            "-r",
            "80",
            "-png",
            str(ARTIFACTS / "visit-summary.pdf"),
            str(ARTIFACTS / "visit-summary"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "visit-summary-1.png").exists()
    assert AuditEvent.objects.filter(patient=maria, what="visit summary PDF").exists()


def test_the_patient_chooses_the_sections_of_their_summary(client, maria, tmp_path):
    client.force_login(maria.user)
    response = client.get("/my/data/summary.pdf", {"sections": ["medicines", "goals"]})
    text = _pdf_text(response.content, tmp_path)
    assert "MME a day" in text
    assert "My goals and small steps" in text
    assert "Flags and how they were handled" not in text
    assert "My taper plan ahead" not in text


def test_asking_for_no_section_returns_to_the_page_with_a_message(client, maria):
    client.force_login(maria.user)
    response = client.get("/my/data/summary.pdf", {"sections": []}, follow=True)
    assert "Choose at least one part" in response.content.decode()


def test_the_patients_export_is_made_by_the_job_and_its_link_expires(
    client, maria, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(maria.user)
    client.post("/my/data/exports/")
    export = PatientExport.objects.get(patient=maria)
    assert export.status == ExportStatus.READY
    page = client.get("/my/data/").content.decode()
    link = re.search(r'href="(/my/data/exports/[^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"fhir-bundle.json", "checkins.csv", "medicines.csv", "visit-summary.pdf"} <= names
    assert client.get(link.split("?")[0] + "?t=forged").status_code == 410
    from django.core import signing

    from taperwell.reports import patient_export

    old = signing.TimestampSigner(salt=patient_export.SALT)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(patient_export, "LINK_LIFETIME", timedelta(seconds=-1))
        assert client.get(link).status_code == 410
    assert old


def test_the_patient_is_told_once_when_the_export_is_ready_without_health_details(
    client, maria, settings, tmp_path, mailoutbox
):
    from taperwell.notifications.models import Notification
    from taperwell.reports.tasks import build_patient_export

    settings.MEDIA_ROOT = tmp_path
    client.force_login(maria.user)
    client.post("/my/data/exports/")
    export = PatientExport.objects.get(patient=maria)
    notice = Notification.objects.get(user=maria.user, kind="export")
    assert notice.url == "/my/data/"
    assert "48 hours" in notice.body
    build_patient_export.call_local(export.pk)  # a second run of the job tells no one again
    assert Notification.objects.filter(user=maria.user, kind="export").count() == 1
    ready = [m for m in mailoutbox if m.subject == "Your download is ready"]
    assert len(ready) == 1
    assert maria.user.email in ready[0].to
    for private in ("oxycodone", "withdrawal", "MME", maria.full_name):
        assert private not in ready[0].body
    page = client.get("/notices/").content.decode()
    assert "Your data is ready to download" in page


def test_another_patient_cannot_download_my_export(client, maria, settings, tmp_path):
    from tests import factories

    settings.MEDIA_ROOT = tmp_path
    client.force_login(maria.user)
    client.post("/my/data/exports/")
    page = client.get("/my/data/").content.decode()
    link = re.search(r'href="(/my/data/exports/[^"]+)"', page).group(1).replace("&amp;", "&")
    someone = factories.make_patient(maria.clinic, full_name="Someone Else")
    client.force_login(someone.user)
    assert client.get(link).status_code == 404


def _identifying(patient: Patient) -> list[str]:
    from taperwell.checkins.models import CheckIn

    strings = [patient.full_name, str(patient.public_id)]
    if patient.user is not None:
        strings.append(patient.user.email)
    strings += [*patient.full_name.split(), patient.preferred_name]
    if patient.phone:
        strings.append(patient.phone)
    notes = CheckIn.objects.filter(patient=patient).exclude(note="").values_list("note", flat=True)
    strings += list(notes)
    return [s for s in strings if s and len(s) > 2]


def _more_patients(clinic, up_to: int) -> None:
    from tests import factories

    while Patient.objects.filter(clinic=clinic).count() < up_to:
        factories.make_patient(clinic, full_name="Quentin Zabriskie")


def test_the_research_export_holds_no_names_emails_free_text_or_real_dates(
    client, demo_clinic, maria, clinic_admin_of_demo
):
    from taperwell.checkins.models import CheckIn

    _more_patients(demo_clinic, 12)
    patients = list(Patient.objects.filter(clinic=demo_clinic).select_related("user"))
    for p in patients:
        p.date_of_birth = date(1961, 5, 17)
        p.save(update_fields=["date_of_birth"])
        research_consent_record(patient=p, given=True)
    CheckIn.objects.filter(patient=maria).update(note="My neighbour Harold drove me in")
    research_consent_record(patient=patients[-1], given=False)  # changed their mind
    client.force_login(clinic_admin_of_demo)
    response = client.get("/clinic/research/export.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = "\n".join(archive.read(n).decode() for n in archive.namelist())
    data_text = "\n".join(
        archive.read(n).decode() for n in archive.namelist() if n != "data_dictionary.csv"
    )
    for p in patients:
        for value in _identifying(p):
            assert not re.search(rf"\b{re.escape(value)}\b", text, re.I), value
    assert "Harold" not in text
    assert "@" not in data_text
    assert "1961" not in data_text
    exported = {
        row["study_day"]
        for row in csv.DictReader(io.StringIO(archive.read("checkins.csv").decode()))
    }
    assert exported
    assert all(day.lstrip("-").isdigit() for day in exported)  # days, never dates
    participants = list(csv.DictReader(io.StringIO(archive.read("participants.csv").decode())))
    assert len(participants) == len(patients) - 1
    assert {row["age_band"] for row in participants} <= {"60-69", "50-59", "suppressed"}
    assert "data_dictionary.csv" in archive.namelist()


def test_only_patients_who_said_yes_are_in_the_research_export(
    client, demo_clinic, clinic_admin_of_demo, maria
):
    _more_patients(demo_clinic, 12)
    for p in Patient.objects.filter(clinic=demo_clinic).exclude(pk=maria.pk)[:11]:
        research_consent_record(patient=p, given=True)
    client.force_login(clinic_admin_of_demo)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/clinic/research/export.zip").content))
    assert archive.read("participants.csv").decode().strip().count("\n") == 11
    research_consent_record(patient=maria, given=True)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/clinic/research/export.zip").content))
    assert archive.read("participants.csv").decode().strip().count("\n") == 12


def test_a_patient_records_and_withdraws_research_consent(client, maria):
    client.force_login(maria.user)
    client.post("/my/data/research/", {"choice": "given"})
    assert "yes, my data may be used" in client.get("/my/data/").content.decode()
    client.post("/my/data/research/", {"choice": "withdrawn"})
    assert "no, my data is not used" in client.get("/my/data/").content.decode()


def test_a_clinician_imports_a_bundle_after_seeing_every_entry(client, maria, maria_clinician):
    import json

    from taperwell.checkins.selectors import clinic_today
    from taperwell.fhir.export import patient_bundle
    from taperwell.medications.models import PatientMedication
    from tests import factories

    bundle = patient_bundle(maria, today=clinic_today(maria.clinic))
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "MedicationStatement",
                "status": "active",
                "subject": {"reference": "Patient/1"},
                "medicationCodeableConcept": {
                    "coding": [
                        {
                            "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                            "code": "424242",
                            "display": "Mysterion 10 mg",
                        }
                    ]
                },
            }
        }
    )
    newcomer = factories.make_patient(maria.clinic, full_name="Nora Newcomer")
    client.force_login(maria_clinician)
    url = f"/clinic/patients/{newcomer.public_id}/fhir-import/"
    upload = io.BytesIO(json.dumps(bundle).encode())
    upload.name = "bundle.json"
    preview = client.post(url, {"bundle": upload})
    page = preview.content.decode()
    assert "Mysterion 10 mg" in page
    assert "424242" in page
    assert not PatientMedication.objects.filter(patient=newcomer).exists()
    # Maria's Bundle uploaded for Nora: the preview says it is not clearly hers and asks first.
    assert "Check before adding" in page
    document = preview.context["document"]
    assert client.post(url, {"document": document, "confirm": "1"}).status_code == 400
    assert not PatientMedication.objects.filter(patient=newcomer).exists()
    client.post(url, {"document": document, "confirm": "1", "same_person": "1"})
    assert PatientMedication.objects.filter(patient=newcomer).count() == (
        PatientMedication.objects.filter(patient=maria, status="active").count()
    )


def test_a_bad_file_shows_the_form_again_with_the_reason(client, maria, maria_clinician):
    client.force_login(maria_clinician)
    upload = io.BytesIO(b"{not json")
    upload.name = "x.json"
    response = client.post(f"/clinic/patients/{maria.public_id}/fhir-import/", {"bundle": upload})
    assert response.status_code == 400
    assert "not JSON" in response.content.decode()


# --- the API: tokens and walls --------------------------------------------------------------


def _get(client, url, token):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_revoked_token_no_longer_works(client, patient):
    new = api_token_create(user=patient.user, name="phone")
    assert _get(client, "/api/v1/me", new.raw).status_code == 200
    api_token_revoke(token=new.token, by=patient.user)
    assert _get(client, "/api/v1/me", new.raw).status_code == 401


def test_only_a_hash_of_the_token_is_stored(patient):
    from taperwell.api.models import ApiToken

    new = api_token_create(user=patient.user, name="phone")
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert new.raw not in (stored.digest, stored.hint, stored.name)


def test_a_person_makes_and_revokes_a_token_on_their_account_page(client, patient):
    client.force_login(patient.user)
    page = client.post("/account/api-tokens/", {"name": "My phone"}).content.decode()
    raw = re.search(r'id="new-token">(tw_[^<]+)<', page).group(1)
    assert _get(client.__class__(), "/api/v1/me", raw).status_code == 200
    token = patient.user.api_tokens.get()
    client.post(f"/account/api-tokens/{token.public_id}/revoke/")
    assert _get(client.__class__(), "/api/v1/me", raw).status_code == 401


PATIENT_ENDPOINTS = [
    "/api/v1/me/today",
    "/api/v1/me/checkins",
    "/api/v1/me/questionnaires",
    "/api/v1/me/medicines",
    "/api/v1/me/plan",
    "/api/v1/me/practice",
]
CARE_ENDPOINTS = [
    "/api/v1/patients/{id}",
    "/api/v1/patients/{id}/checkins",
    "/api/v1/patients/{id}/medications",
    "/api/v1/patients/{id}/plan",
    "/api/v1/patients/{id}/flags",
    "/api/v1/patients/{id}/questionnaires",
    "/api/v1/patients/{id}/timeline",
]


@pytest.fixture
def two_patients(maria, demo_clinic):
    jim = Patient.objects.get(user__email="james@example.org")
    return maria, jim


@pytest.mark.parametrize("url", PATIENT_ENDPOINTS)
def test_a_patients_token_reads_only_their_own_data(client, two_patients, url):
    maria, jim = two_patients
    token = api_token_create(user=maria.user, name="t").raw
    response = _get(client, url, token)
    assert response.status_code == 200
    body = response.content.decode()
    for other in jim.checkins.all()[:5]:
        assert str(other.public_id) not in body
    for other in jim.medications.all():
        assert str(other.public_id) not in body
    assert AuditEvent.objects.filter(patient=maria, what__startswith="API:").exists()
    assert not AuditEvent.objects.filter(patient=jim).exists()


@pytest.mark.parametrize("url", [*CARE_ENDPOINTS, "/api/v1/patients"])
def test_a_patients_token_never_reaches_the_care_team_endpoints(client, two_patients, url):
    maria, jim = two_patients
    token = api_token_create(user=maria.user, name="t").raw
    for target in (jim, maria):
        response = _get(client, url.format(id=target.public_id), token)
        assert response.status_code == 403
        assert str(jim.public_id) not in response.content.decode()


def test_a_patients_token_cannot_acknowledge_a_flag(client, two_patients):
    maria, jim = two_patients
    token = api_token_create(user=maria.user, name="t").raw
    flag = jim.flags.first() or maria.flags.first()
    response = client.post(
        f"/api/v1/flags/{flag.public_id}/acknowledge",
        {"note": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403


@pytest.mark.parametrize("url", CARE_ENDPOINTS)
def test_a_clinician_reads_their_patients_and_not_another_clinics(
    client, maria, maria_clinician, other_clinic, url
):
    from tests import factories

    stranger_patient = factories.make_patient(other_clinic, full_name="Far Away")
    token = api_token_create(user=maria_clinician, name="t", second_factor=True).raw
    assert _get(client, url.format(id=maria.public_id), token).status_code == 200
    assert _get(client, url.format(id=stranger_patient.public_id), token).status_code == 404
    assert AuditEvent.objects.filter(patient=maria, actor=maria_clinician).exists()


def test_a_patient_checks_in_through_the_api_once_even_when_sent_twice(client, patient):
    import uuid

    token = api_token_create(user=patient.user, name="t").raw
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "pain": 5,
        "sleep": 6,
        "mood": 6,
        "withdrawal": 2,
        "craving": 1,
    }
    first = client.post(
        "/api/v1/me/checkins",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    again = client.post(
        "/api/v1/me/checkins",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(_get(client, "/api/v1/me/checkins", token).json()) == 1


def test_the_session_needs_csrf_for_writes(patient):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    assert client.get("/api/v1/me").status_code == 200
    response = client.post("/api/v1/me/checkins", {}, content_type="application/json")
    assert response.status_code in (401, 403)


def test_the_api_is_documented(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me/checkins" in document["paths"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("post", "/my/data/note/", "patient"),
        ("post", "/my/data/research/", "patient"),
        ("post", "/my/data/exports/", "patient"),
        ("get", "/account/api-tokens/", "any"),
    ],
)
def test_the_patients_forms_and_the_token_page_climb_the_ladder(
    client, patient, clinician, method, url, allowed, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(clinician)
    wrong = getattr(client, method)(url)
    assert wrong.status_code == (200 if allowed == "any" else 403)
    client.force_login(patient.user)
    assert client.delete(url).status_code == 405
    assert getattr(client, method)(url, {"body": "hello", "choice": "given"}).status_code in (
        200,
        302,
    )


def test_a_token_of_someone_else_cannot_be_revoked(client, patient, other_patient):
    new = api_token_create(user=other_patient.user, name="theirs")
    client.force_login(patient.user)
    assert client.post(f"/account/api-tokens/{new.token.public_id}/revoke/").status_code == 404
    assert client.get(f"/account/api-tokens/{new.token.public_id}/revoke/").status_code == 405


def _post_questionnaire(client, token, key, answers, instrument="phq9"):
    return client.post(
        "/api/v1/me/questionnaires",
        {"idempotency_key": str(key), "instrument": instrument, "answers": answers},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_phq9_with_item_9_through_the_api_asks_for_crisis_help_and_flags_once(
    client, patient, django_capture_on_commit_callbacks
):
    import uuid

    from taperwell.care.models import Flag
    from taperwell.checkins.models import QuestionnaireResponse

    token = api_token_create(user=patient.user, name="phone").raw
    key = uuid.uuid4()
    answers = [1, 1, 0, 1, 0, 0, 1, 0, 1]
    with django_capture_on_commit_callbacks(execute=True):
        first = _post_questionnaire(client, token, key, answers)
        again = _post_questionnaire(client, token, key, answers)
    assert first.status_code == 201
    assert again.status_code == 200
    body = first.json()
    assert body["needs_crisis_help"] is True
    assert body["crisis_line"] == patient.clinic.crisis_line_number
    assert body["questionnaire"]["total"] == 5
    assert body["questionnaire"]["band"] == "mild"
    assert QuestionnaireResponse.objects.filter(patient=patient).count() == 1
    assert Flag.objects.get(patient=patient, rule="self-harm").severity == "urgent"


@pytest.mark.parametrize(
    ("instrument", "answers", "words"),
    [("phq9", [1, 2, 3], "9"), ("phq9", [9, 0, 0, 0, 0, 0, 0, 0, 0], "0"), ("nope", [1], "nope")],
)
def test_bad_questionnaire_answers_are_refused_with_a_reason(
    client, patient, instrument, answers, words
):
    import uuid

    token = api_token_create(user=patient.user, name="phone").raw
    response = _post_questionnaire(client, token, uuid.uuid4(), answers, instrument)
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_the_timeline_through_the_api_holds_the_series_steps_and_flags(
    client, maria, maria_clinician
):
    token = api_token_create(user=maria_clinician, name="t", second_factor=True).raw
    response = _get(client, f"/api/v1/patients/{maria.public_id}/timeline?days=90", token)
    assert response.status_code == 200
    body = response.json()
    titles = [series["title"] for series in body["series"]]
    assert "Pain (0-10)" in titles
    assert "PHQ-9" in titles
    pain = next(series for series in body["series"] if series["title"] == "Pain (0-10)")
    assert pain["points"]
    assert body["steps"]
    assert body["flags"]
