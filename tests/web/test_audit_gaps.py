"""Every read of patients' data leaves an audit row (issue 15, finding 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from taperwell.api.services import api_token_create
from taperwell.audit.models import AuditAction, AuditEvent
from taperwell.audit.services import audit_record
from taperwell.enrolment.services import invitation_create
from taperwell.meetings.models import GroupSession, Rsvp, RsvpStatus
from taperwell.messaging.models import Message
from taperwell.notifications.services import calendar_feed_replace


def _rows(**filters):
    return AuditEvent.objects.filter(**filters)


def _listed(what: str) -> set:
    return set(_rows(what=what, action=AuditAction.VIEW).values_list("patient_id", flat=True))


def test_downloading_a_message_attachment_is_audited(
    client, patient, clinician, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(patient.user)
    client.post(
        "/messages/new/",
        {
            "subject": "Rash",
            "body": "A photo",
            "attachment": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF"),
        },
        format="multipart",
    )
    message = Message.objects.get(thread__patient=patient)
    client.force_login(clinician)

    assert client.get(f"/messages/m/{message.public_id}/attachment/").status_code == 200

    row = _rows(what="message attachment").get()
    assert (row.actor, row.patient, row.object_id) == (clinician, patient, str(message.public_id))


@pytest.mark.parametrize(
    ("url", "what"),
    [("/clinic/triage/?scope=all", "triage list"), ("/clinic/patients/", "patient list")],
)
def test_a_list_page_records_each_patient_it_showed(
    client, clinician, patient, other_patient, stranger_patient, url, what
):
    client.force_login(clinician)

    assert client.get(url).status_code == 200

    assert _listed(what) == {patient.pk, other_patient.pk}
    assert _rows(what=what).first().clinic == patient.clinic


def test_the_group_session_attendee_list_is_audited(client, counsellor, patient, other_patient):
    session = GroupSession.objects.create(
        clinic=patient.clinic,
        title="Breathing together",
        kind="mindfulness",
        place="in_person",
        starts_at=timezone.now() + dt.timedelta(days=1),
        capacity=5,
    )
    Rsvp.objects.create(session=session, patient=patient, status=RsvpStatus.GOING)
    client.force_login(counsellor)

    assert client.get(f"/sessions/{session.public_id}/").status_code == 200

    assert _listed("group session attendee list") == {patient.pk}


def test_opening_an_invitation_is_audited(client, clinic, front_desk):
    created = invitation_create(
        clinic=clinic, created_by=front_desk, full_name="New Person", method="code"
    )
    client.force_login(front_desk)

    client.get(f"/clinic/invitations/{created.invitation.public_id}/")

    row = _rows(what="invitation", action=AuditAction.VIEW).get()
    assert row.patient == created.invitation.patient
    assert row.actor == front_desk


def test_the_api_patient_list_is_audited(client, clinician, patient, other_patient):
    raw = api_token_create(user=clinician, name="EHR", second_factor=True).raw

    response = client.get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200
    assert _listed("API: patient list") == {patient.pk, other_patient.pk}


def test_a_calendar_feed_fetch_is_audited_without_writing_down_its_token(client, patient):
    token = calendar_feed_replace(patient=patient)

    assert client.get(f"/calendar/{token}.ics").status_code == 200

    row = _rows(what="calendar feed").get()
    assert (row.patient, row.actor) == (patient, patient.user)
    assert token not in row.path


def test_a_failed_sign_in_to_an_account_shows_in_its_clinics_log(client, patient, clinic_admin):
    client.post("/accounts/login/", {"login": patient.user.email, "password": "wrong guess"})
    client.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong guess"})

    failed = _rows(action=AuditAction.SIGN_IN_FAILED)
    assert failed.count() == 2
    assert failed.filter(clinic=patient.clinic, object_id=str(patient.user.public_id)).count() == 1
    client.force_login(clinic_admin)
    log = client.get("/clinic/audit/?action=sign_in_failed").content.decode()
    assert patient.user.email in log


@pytest.mark.parametrize(
    ("path", "what"),
    [("summary.pdf", "visit summary PDF"), ("fhir.json", "FHIR export")],
)
def test_pdf_and_fhir_downloads_are_recorded_as_exported(client, clinician, patient, path, what):
    client.force_login(clinician)

    assert client.get(f"/clinic/patients/{patient.public_id}/{path}").status_code == 200

    assert _rows(patient=patient, what=what).get().action == AuditAction.EXPORT


def test_the_patients_own_pdf_is_recorded_as_exported(client, patient):
    client.force_login(patient.user)

    assert client.get("/my/data/summary.pdf", {"sections": ["medicines"]}).status_code == 200

    assert _rows(what="my visit summary PDF").get().action == AuditAction.EXPORT


@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_changes_to_audit_rows(clinic):
    event = audit_record(request=None, action=AuditAction.VIEW, what="record", clinic=clinic)

    for statement in (
        "UPDATE audit_auditevent SET what = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).what == "record"
    assert connection.vendor in {"sqlite", "postgresql"}
