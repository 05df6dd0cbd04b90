"""A patient turns push reminders on and off for one device from the notice settings page."""

from __future__ import annotations

import json

import pytest

from taperwell.audit.models import AuditEvent
from taperwell.webpush.models import PushSubscription
from tests.webpush.push_endpoint import Device

pytestmark = pytest.mark.django_db

ENDPOINT = "https://push.example.org/send/abc123"


def _body(device: Device, endpoint: str = ENDPOINT) -> str:
    return json.dumps(
        {
            "endpoint": endpoint,
            "keys": {"p256dh": device.p256dh, "auth": device.auth},
            "device": "Chrome on Android",
        }
    )


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_patient_turns_on_push_for_this_phone(client, patient):
    client.force_login(patient.user)
    device = Device("phone")
    response = _post(client, "/notices/push/", _body(device))
    assert response.status_code == 201
    sub = PushSubscription.objects.get(user=patient.user)
    assert (sub.endpoint, sub.p256dh, sub.auth) == (ENDPOINT, device.p256dh, device.auth)
    assert sub.device == "Chrome on Android"
    assert response.json() == {"id": str(sub.public_id)}
    assert AuditEvent.objects.filter(patient=patient, what="push reminders on a device").exists()


def test_subscribing_the_same_phone_again_keeps_one_subscription_with_the_new_keys(client, patient):
    client.force_login(patient.user)
    _post(client, "/notices/push/", _body(Device("old")))
    newer = Device("new")
    _post(client, "/notices/push/", _body(newer))
    assert PushSubscription.objects.get(user=patient.user).p256dh == newer.p256dh


def test_a_patient_turns_push_off_for_this_phone_only(client, patient):
    client.force_login(patient.user)
    _post(client, "/notices/push/", _body(Device("a")))
    _post(client, "/notices/push/", _body(Device("b"), "https://push.example.org/send/other"))
    response = _post(client, "/notices/push/remove/", json.dumps({"endpoint": ENDPOINT}))
    assert response.status_code == 204
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        "https://push.example.org/send/other"
    ]


def test_nobody_can_remove_someone_elses_device(client, patient, other_patient):
    client.force_login(patient.user)
    _post(client, "/notices/push/", _body(Device("a")))
    client.force_login(other_patient.user)
    _post(client, "/notices/push/remove/", json.dumps({"endpoint": ENDPOINT}))
    assert PushSubscription.objects.filter(user=patient.user).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"endpoint": ENDPOINT}),
        json.dumps({"endpoint": "javascript:alert(1)", "keys": {"p256dh": "x", "auth": "y"}}),
        json.dumps({"endpoint": ENDPOINT, "keys": {"p256dh": "too-short", "auth": "short"}}),
    ],
    ids=["not-json", "not-an-object", "no-keys", "bad-endpoint", "bad-keys"],
)
def test_a_subscription_that_is_not_one_is_refused(client, patient, body):
    client.force_login(patient.user)
    assert _post(client, "/notices/push/", body).status_code == 400
    assert not PushSubscription.objects.exists()


def test_outside_the_tests_a_push_address_must_use_https(client, patient, settings):
    settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS = False
    client.force_login(patient.user)
    body = _body(Device("a"), "http://push.example.org/send/abc")
    assert _post(client, "/notices/push/", body).status_code == 400
    assert not PushSubscription.objects.exists()


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = _post(client, "/notices/push/", _body(Device("a")))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_care_team_has_no_push_subscription_here(client, clinician):
    client.force_login(clinician)
    assert _post(client, "/notices/push/", _body(Device("a"))).status_code == 403


def test_subscribing_takes_only_a_post(client, patient):
    client.force_login(patient.user)
    assert client.get("/notices/push/").status_code == 405


def test_the_notice_settings_page_offers_push_on_this_phone_with_the_servers_key(
    client, patient, vapid_key
):
    from taperwell.webpush.vapid import application_server_key

    client.force_login(patient.user)
    html = client.get("/notices/settings/").content.decode()
    assert "Reminders on this phone" in html
    assert f'data-push-key="{application_server_key()}"' in html
    assert "webpush/push.js" in html
