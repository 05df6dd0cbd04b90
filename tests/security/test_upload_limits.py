"""Uploads with limits: a picture too large to decode and a FHIR file nested too deep are
refused with a clear 400, never a server error."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from taperwell.messaging.models import Message, Thread
from tests import factories

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, *, pixels: bool) -> bytes:
    """A black-and-white PNG of that size (1 bit a pixel, so even 144 megapixels is small), or
    with `pixels=False` only a header claiming the size."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    if pixels:
        row = b"\x00" + bytes((width + 7) // 8)
        squeeze = zlib.compressobj(9)
        data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    else:
        data = zlib.compress(b"\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def _send(client, patient, content: bytes):
    client.force_login(patient.user)
    return client.post(
        "/messages/new/",
        {"subject": "Photo", "body": "See", "attachment": SimpleUploadedFile("rash.png", content)},
    )


def test_a_png_claiming_30000_by_30000_pixels_is_refused_with_a_400(
    client, patient, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = _send(client, patient, _png(30000, 30000, pixels=False))
    assert response.status_code == 400
    assert "picture is too large" in response.content.decode()
    assert not Thread.objects.exists()
    assert not list(tmp_path.rglob("*"))


def test_a_144_megapixel_png_is_refused_and_never_served(client, patient, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = _png(12000, 12000, pixels=True)
    assert len(content) < 5 * 1024 * 1024  # small on disk: only its pixels are too many
    response = _send(client, patient, content)
    assert response.status_code == 400
    assert "picture is too large" in response.content.decode()
    assert not Message.objects.exists()


def test_a_phone_sized_photo_is_still_accepted(client, patient, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = _send(client, patient, _png(4000, 3000, pixels=True))
    assert response.status_code == 302
    assert Message.objects.get().attachment_type == "image/png"


def _import(client, clinician, content: bytes):
    newcomer = factories.make_patient(clinician.membership.clinic, full_name="Nora Newcomer")
    client.force_login(clinician)
    upload = io.BytesIO(content)
    upload.name = "bundle.json"
    return client.post(f"/clinic/patients/{newcomer.public_id}/fhir-import/", {"bundle": upload})


def test_a_fhir_import_of_100000_nested_brackets_is_refused_with_a_400(client, clinician):
    response = _import(client, clinician, b"[" * 100_000)
    assert response.status_code == 400
    assert "nests more than 64 levels" in response.content.decode()


def test_a_fhir_document_posted_back_too_deep_is_refused_with_a_400(client, clinician):
    newcomer = factories.make_patient(clinician.membership.clinic, full_name="Nora Newcomer")
    client.force_login(clinician)
    deep = '{"resourceType": "Bundle", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client.post(
        f"/clinic/patients/{newcomer.public_id}/fhir-import/", {"document": deep, "confirm": "1"}
    )
    assert response.status_code == 400
    assert "nests more than 64 levels" in response.content.decode()


def test_brackets_inside_strings_do_not_count_as_nesting():
    from taperwell.fhir.inbound import BundleError, read_bundle

    with pytest.raises(BundleError, match="resourceType must be Bundle"):
        read_bundle('{"note": "' + "[" * 1000 + '\\" {{{"}')
