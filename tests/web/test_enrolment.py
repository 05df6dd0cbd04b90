"""Staff invite a patient; the patient accepts, chooses a password and consents."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from taperwell.enrolment.models import Consent, Invitation
from taperwell.enrolment.services import CONSENT_VERSION, invitation_create
from taperwell.patients.models import Patient, PatientStatus


def _invite(client, staff, **fields):
    client.force_login(staff)
    data = {"full_name": "Rosa Diaz", "method": "code", "email": "", **fields}
    return client.post("/clinic/invitations/new/", data)


def test_front_desk_invites_by_email_and_the_email_holds_only_a_link(
    client, front_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, front_desk, method="email", email="Rosa@Example.org")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "rosa@example.org"
    assert invitation.patient.status == PatientStatus.INVITED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.org"]
    assert "/enrol/i/" in message.body
    for health_word in ("opioid", "tapering", "medicine", "dose"):
        assert health_word not in message.body.lower()
    invitation.refresh_from_db()
    assert invitation.email_sent_at is not None


def test_an_email_invitation_is_sent_once_even_when_the_sweep_runs_again(
    client, front_desk, django_capture_on_commit_callbacks
):
    from taperwell.enrolment.tasks import send_due_invitation_emails_now

    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, front_desk, method="email", email="rosa@example.org")
    assert send_due_invitation_emails_now() == 0
    assert len(mail.outbox) == 1


def test_an_expired_email_invitation_is_never_sent_by_a_late_worker(clinic, front_desk):
    from taperwell.enrolment.tasks import send_due_invitation_emails_now

    created = invitation_create(
        clinic=clinic, created_by=front_desk, full_name="Late Person", method="code"
    )
    Invitation.objects.filter(pk=created.invitation.pk).update(
        method="email", email="late@example.org", expires_at=timezone.now() - timedelta(hours=1)
    )
    assert send_due_invitation_emails_now() == 0
    assert mail.outbox == []


def test_an_email_invitation_without_an_email_is_refused_and_keeps_the_name(client, front_desk):
    response = _invite(client, front_desk, method="email", email="")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Add the patient&#x27;s email" in page
    assert 'value="Rosa Diaz"' in page
    assert Invitation.objects.count() == 0


def test_a_bad_email_gets_a_clear_message_and_keeps_what_was_typed(client, front_desk):
    response = _invite(client, front_desk, method="email", email="rosa-at-example")
    page = response.content.decode()
    assert "Enter a valid email address" in page
    assert 'value="rosa-at-example"' in page


def test_a_printed_code_is_shown_once_and_only_its_digest_is_stored(client, front_desk):
    response = _invite(client, front_desk)
    detail = client.get(response["Location"]).content.decode()
    code = re.search(r'data-testid="invitation-code">([A-Z0-9-]+)<', detail).group(1)
    invitation = Invitation.objects.get()
    assert code not in invitation.secret_hash
    again = client.get(response["Location"]).content.decode()
    assert code not in again


def _code_for(client, staff):
    response = _invite(client, staff)
    detail = client.get(response["Location"]).content.decode()
    client.logout()
    return re.search(r'data-testid="invitation-code">([A-Z0-9-]+)<', detail).group(1)


def test_a_patient_accepts_a_code_sets_a_password_consents_and_lands_home(client, front_desk):
    code = _code_for(client, front_desk)
    response = client.post("/enrol/", {"code": code.lower().replace("-", " ")})
    assert response["Location"] == "/enrol/account/"
    response = client.post(
        "/enrol/account/",
        {
            "preferred_name": "Rosa",
            "email": "rosa@example.org",
            "password": "my garden in spring",
            "password_again": "my garden in spring",
        },
    )
    assert response["Location"] == "/enrol/welcome/"
    assert client.get("/today/")["Location"] == "/enrol/welcome/"  # consent comes first
    response = client.post("/enrol/welcome/", {"agree": "on", "tapering": "no"})
    assert response["Location"] == "/today/"
    today = client.get("/today/")
    assert "Hello, Rosa" in today.content.decode()
    patient = Patient.objects.get(user__email="rosa@example.org")
    assert patient.status == PatientStatus.ACTIVE
    assert patient.wants_to_taper is False  # tapering is a separate, voluntary choice
    consent = Consent.objects.get(patient=patient)
    assert consent.text_version == CONSENT_VERSION
    assert consent.agreed_at is not None


def test_a_wrong_code_gets_a_clear_message_and_keeps_what_was_typed(client, db):
    response = client.post("/enrol/", {"code": "ABCD-EFGH"})
    page = response.content.decode()
    assert "We could not find that code" in page
    assert 'value="ABCD-EFGH"' in page


def test_an_expired_code_says_so_and_points_to_the_clinic(client, front_desk):
    code = _code_for(client, front_desk)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.post("/enrol/", {"code": code}).content.decode()
    assert "This invitation has expired" in page
    assert f'value="{code}"' in page


def test_a_used_code_cannot_be_used_twice(client, front_desk):
    code = _code_for(client, front_desk)
    client.post("/enrol/", {"code": code})
    client.post(
        "/enrol/account/",
        {
            "email": "rosa@example.org",
            "password": "my garden in spring",
            "password_again": "my garden in spring",
        },
    )
    client.logout()
    page = client.post("/enrol/", {"code": code}).content.decode()
    assert "already been used" in page


def test_guessing_codes_is_throttled(client, db):
    for _ in range(10):
        client.post("/enrol/", {"code": "ZZZZ-ZZZZ"})
    page = client.post("/enrol/", {"code": "ZZZZ-ZZZZ"}).content.decode()
    assert "Too many tries" in page


def test_mismatched_passwords_keep_the_name_and_email(client, front_desk):
    code = _code_for(client, front_desk)
    client.post("/enrol/", {"code": code})
    response = client.post(
        "/enrol/account/",
        {
            "preferred_name": "Rosa",
            "email": "rosa@example.org",
            "password": "my garden in spring",
            "password_again": "my garden in summer",
        },
    )
    page = response.content.decode()
    assert "not the same" in page
    assert 'value="rosa@example.org"' in page
    assert 'value="Rosa"' in page


def test_a_weak_password_is_explained(client, front_desk):
    code = _code_for(client, front_desk)
    client.post("/enrol/", {"code": code})
    page = client.post(
        "/enrol/account/",
        {
            "email": "rosa@example.org",
            "password": "12345678",
            "password_again": "12345678",
        },
    ).content.decode()
    assert "too short" in page or "too common" in page
    assert not Patient.objects.filter(user__email="rosa@example.org").exists()


def test_an_email_already_in_use_is_refused_without_saying_it_has_an_account(
    client, front_desk, patient
):
    code = _code_for(client, front_desk)
    client.post("/enrol/", {"code": code})
    page = client.post(
        "/enrol/account/",
        {
            "email": patient.user.email,
            "password": "my garden in spring",
            "password_again": "my garden in spring",
        },
    ).content.decode()
    assert "set up sign-in with this email" in page
    for telling in ("already", "exists", "has an account", "in use"):
        assert telling not in page.lower()
    assert not Patient.objects.filter(full_name="Rosa Diaz", user__isnull=False).exists()


def test_after_three_refused_emails_the_account_step_asks_to_call_the_clinic(
    client, front_desk, patient, clinician, counsellor
):
    code = _code_for(client, front_desk)
    client.post("/enrol/", {"code": code})
    password = {"password": "my garden in spring", "password_again": "my garden in spring"}
    for someone in (patient.user, clinician, counsellor):
        page = client.post("/enrol/account/", {"email": someone.email, **password})
        assert "set up sign-in with this email" in page.content.decode()
    page = client.post("/enrol/account/", {"email": "rosa.new@example.org", **password})
    assert "call the clinic" in page.content.decode()
    assert not Patient.objects.filter(user__email="rosa.new@example.org").exists()


def test_an_email_link_opens_the_account_step_with_the_email_filled_in(
    client, clinic, front_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            clinic=clinic,
            created_by=front_desk,
            full_name="Rosa Diaz",
            method="email",
            email="rosa@example.org",
        )
    link = re.search(r"(/enrol/i/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert client.get(link)["Location"] == "/enrol/account/"
    assert 'value="rosa@example.org"' in client.get("/enrol/account/").content.decode()


def test_a_tampered_link_is_refused_kindly(client, db):
    response = client.get("/enrol/i/not-a-real-token/")
    assert response.status_code == 410
    assert "does not look complete" in response.content.decode()


def test_consent_must_be_ticked(client, clinic):
    from tests import factories

    newcomer = factories.make_patient(clinic, consented=False)
    client.force_login(newcomer.user)
    response = client.post("/enrol/welcome/", {"tapering": "yes"})
    assert "Please tick the box" in response.content.decode()
    assert not Consent.objects.filter(patient=newcomer).exists()


@pytest.mark.parametrize("role", ["patient", "bh_clinician"])
def test_people_who_do_not_enrol_cannot_invite(client, clinic, role):
    from tests import factories

    person = factories.make_staff(clinic, role)
    client.force_login(person)
    assert (
        client.post("/clinic/invitations/new/", {"full_name": "X", "method": "code"}).status_code
        == 403
    )
