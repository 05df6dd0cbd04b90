"""Every upload is judged by what is inside it, never by its name."""

from __future__ import annotations

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from taperwell.checkins.selectors import clinic_today
from taperwell.fhir.export import patient_bundle
from taperwell.messaging.models import Thread
from tests import factories

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def test_a_web_page_named_like_a_photo_is_refused_as_a_message_attachment(
    client, patient, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(patient.user)
    page = b"<html><script>fetch('/api/v1/me')</script></html>"
    response = client.post(
        "/messages/new/",
        {"subject": "Photo", "body": "See", "attachment": SimpleUploadedFile("rash.png", page)},
    )
    assert response.status_code == 400
    assert "photo (JPEG, PNG, GIF, WebP) or a PDF" in response.content.decode()
    assert not Thread.objects.exists()
    assert not list(tmp_path.rglob("*"))  # nothing was written to disk


def _import(client, patient, name: str, content: bytes):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(f"/clinic/patients/{patient.public_id}/fhir-import/", {"bundle": upload})


def test_a_picture_named_bundle_json_is_refused_by_the_fhir_import(client, clinic, clinician):
    newcomer = factories.make_patient(clinic, full_name="Nora Newcomer")
    client.force_login(clinician)
    response = _import(client, newcomer, "bundle.json", PNG)
    assert response.status_code == 400
    assert "not JSON" in response.content.decode()


def test_json_that_is_not_a_fhir_bundle_is_refused_by_the_fhir_import(client, clinic, clinician):
    newcomer = factories.make_patient(clinic, full_name="Nora Newcomer")
    client.force_login(clinician)
    response = _import(client, newcomer, "bundle.json", json.dumps({"hello": "world"}).encode())
    assert response.status_code == 400


def test_a_real_bundle_is_read_whatever_its_file_is_called(client, clinic, clinician, patient):
    bundle = patient_bundle(patient, today=clinic_today(clinic))
    newcomer = factories.make_patient(clinic, full_name="Nora Newcomer")
    client.force_login(clinician)
    response = _import(client, newcomer, "export.txt", json.dumps(bundle).encode())
    assert response.status_code == 200
    assert "document" in response.context
