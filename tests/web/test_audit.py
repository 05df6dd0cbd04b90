"""Every read and change of a patient's record is audited, and the audit trail is append-only."""

from __future__ import annotations

import pytest
from django.contrib import admin

from taperwell.audit.models import AppendOnlyError, AuditAction, AuditEvent


def test_a_clinician_reading_a_patients_record_writes_an_audit_row(client, clinician, patient):
    client.force_login(clinician)
    response = client.get(
        f"/clinic/patients/{patient.public_id}/",
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.VIEW, patient=patient)
    assert event.actor == clinician
    assert event.actor_email == clinician.email
    assert event.clinic == patient.clinic
    assert event.what == "patient record"
    assert event.ip_address == "10.1.2.3"
    assert event.user_agent == "TestBrowser/1.0"
    assert event.path == f"/clinic/patients/{patient.public_id}/"


def test_a_refused_read_of_another_clinics_patient_writes_no_patient_row(
    client, stranger_clinician, patient
):
    client.force_login(stranger_clinician)
    client.get(f"/clinic/patients/{patient.public_id}/")
    assert not AuditEvent.objects.filter(patient=patient).exists()


def test_the_patient_reading_their_own_page_is_audited_too(client, patient):
    client.force_login(patient.user)
    client.get("/today/")
    assert AuditEvent.objects.filter(
        patient=patient, actor=patient.user, what="today page"
    ).exists()


def test_sign_ins_and_failed_sign_ins_are_audited(client, patient):
    client.post("/accounts/login/", {"login": patient.user.email, "password": "wrong password"})
    client.post(
        "/accounts/login/", {"login": patient.user.email, "password": "a-long-test-password"}
    )
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert AuditAction.SIGN_IN_FAILED in actions
    assert AuditAction.SIGN_IN in actions


def test_audit_rows_cannot_be_changed_or_deleted_through_the_app(client, clinician, patient):
    client.force_login(clinician)
    client.get(f"/clinic/patients/{patient.public_id}/")
    event = AuditEvent.objects.get(patient=patient)
    event.what = "nothing to see"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(what="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).what == "patient record"


def test_the_operator_admin_shows_audit_rows_read_only(rf, clinician):
    model_admin = admin.site._registry[AuditEvent]
    request = rf.get("/")
    request.user = clinician
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_no_page_accepts_a_change_to_the_audit_log(client, clinic_admin, patient, clinician):
    client.force_login(clinician)
    client.get(f"/clinic/patients/{patient.public_id}/")
    client.force_login(clinic_admin)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/clinic/audit/").status_code == 405


def test_a_clinic_admin_sees_and_exports_the_log_and_the_export_is_audited(
    client, clinic_admin, clinician, patient
):
    client.force_login(clinician)
    client.get(f"/clinic/patients/{patient.public_id}/")
    client.force_login(clinic_admin)
    page = client.get("/clinic/audit/?action=view").content.decode()
    assert clinician.email in page
    assert patient.full_name in page
    response = client.get("/clinic/audit/export.csv")
    assert response["Content-Type"] == "text/csv"
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("at,actor_email,action,what,patient_id")
    assert any(clinician.email in line and str(patient.public_id) in line for line in lines[1:])
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=clinic_admin).exists()
