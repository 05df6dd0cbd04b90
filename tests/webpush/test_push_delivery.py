"""Reminders reach a phone by Web Push, sent by the same claim-before-send sweep as the email,
encrypted for the device (RFC 8291), signed by the server (VAPID), and saying nothing about health.

A push service on 127.0.0.1 (push_endpoint.py) receives them and decrypts them with the device's
own keys, as a browser would.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from taperwell.notifications.models import Kind, Notification, Preference, Status
from taperwell.notifications.reminders import send_due_reminders_now
from taperwell.notifications.services import notice_export_ready
from taperwell.tapering.models import TaperPlan
from taperwell.webpush.models import PushSubscription
from taperwell.webpush.payload import WORDS
from taperwell.webpush.services import push_subscription_save

pytestmark = pytest.mark.django_db

HEALTH_WORDS = ("morphine", "mg", "dose", "naloxone", "step", "tablet", "pain")


@pytest.fixture
def reminded(patient):
    """Maria, reminders at any hour (no quiet hours) in UTC, with a plan in force: a dose 20
    minutes ago and her next step in a day, so a check-in, a dose and a step reminder are due."""
    now = timezone.now()
    Preference.objects.create(
        user=patient.user,
        time_zone="UTC",
        quiet_start=dt.time(0),
        quiet_end=dt.time(0),
        checkin_time=dt.time(0),
    )
    today = now.date()
    at = (now - dt.timedelta(minutes=20)).strftime("%H:%M")
    morphine = {
        "drug": "morphine",
        "daily_dose": 15,
        "unit": "mg",
        "administrations": {at: [{"strength": 15}]},
    }
    steps = [
        {
            "start_date": str(today - dt.timedelta(days=10)),
            "end_date": str(today),
            "medications": [morphine],
            "text": "Morphine ER 15 mg once a day",
        },
        {
            "start_date": str(today + dt.timedelta(days=1)),
            "end_date": None,
            "medications": [morphine],
            "text": "Morphine ER 10 mg once a day",
        },
    ]
    TaperPlan.objects.create(
        patient=patient, status="approved", schedule={"steps": steps}, approved_at=now
    )
    return patient


def _subscribe(user, service, device):
    return push_subscription_save(
        user=user, endpoint=service.endpoint(device), p256dh=device.p256dh, auth=device.auth
    )


def test_a_reminder_the_sweep_sends_reaches_the_phone_decrypted_with_its_own_keys(
    reminded, push_service, vapid_key
):
    phone = push_service.device("marias-phone")
    _subscribe(reminded.user, push_service, phone)

    counts = send_due_reminders_now()

    sent = Notification.objects.filter(user=reminded.user, status=Status.SENT)
    kinds = set(sent.values_list("kind", flat=True))
    assert {Kind.CHECKIN, Kind.DOSE, Kind.TAPER_STEP} <= kinds
    received = push_service.wait_for(phone, counts["sent"])
    assert len(received) == counts["sent"] == sent.count()
    tags = {r.payload["tag"] for r in received}
    assert tags == {str(n.public_id) for n in sent}  # one push per notice, none twice
    by_tag = {str(n.public_id): n for n in sent}
    for push in received:
        notice = by_tag[push.payload["tag"]]
        assert (push.payload["title"], push.payload["body"]) == WORDS[notice.kind]
        assert push.payload["url"] == notice.url
        assert push.headers["content-encoding"] == "aes128gcm"
        assert int(push.headers["ttl"]) > 0
        assert push.vapid_claims["aud"] == push_service.origin()
        assert push.vapid_claims["exp"] > timezone.now().timestamp()
        assert push.vapid_claims["sub"].startswith("mailto:")
    assert PushSubscription.objects.get(user=reminded.user).last_sent_at is not None


def test_a_push_names_no_medicine_dose_or_step_even_when_the_notice_does(
    reminded, push_service, vapid_key
):
    phone = push_service.device("marias-phone")
    _subscribe(reminded.user, push_service, phone)
    send_due_reminders_now()
    step = Notification.objects.get(user=reminded.user, kind=Kind.TAPER_STEP)
    assert "Morphine" in step.body  # the notice behind sign-in has the words...
    received = push_service.wait_for(phone, 3)
    assert len(received) >= 3
    for push in received:
        words = f"{push.payload['title']} {push.payload['body']}".lower()
        # ...the lock screen does not.
        assert not [w for w in HEALTH_WORDS if w in words], words


def test_the_sweep_sends_each_reminder_once_to_every_device_even_when_run_twice(
    reminded, push_service, vapid_key
):
    phone = push_service.device("phone")
    laptop = push_service.device("laptop")
    _subscribe(reminded.user, push_service, phone)
    _subscribe(reminded.user, push_service, laptop)
    first = send_due_reminders_now()
    second = send_due_reminders_now()
    assert second == {"sent": 0, "skipped": 0}
    assert len(phone.received) == len(laptop.received) == first["sent"] > 0


def test_a_device_the_push_service_has_forgotten_is_removed_and_the_email_still_goes(
    reminded, push_service, vapid_key
):
    gone = push_service.device("old-phone", answer=410)
    missing = push_service.device("older-phone", answer=404)
    _subscribe(reminded.user, push_service, gone)
    _subscribe(reminded.user, push_service, missing)
    counts = send_due_reminders_now()
    assert counts["sent"] > 0
    assert not PushSubscription.objects.filter(user=reminded.user).exists()
    assert len(mail.outbox) == counts["sent"]


def test_a_failing_push_service_keeps_the_device_and_does_not_stop_other_devices(
    reminded, push_service, vapid_key
):
    failing = push_service.device("failing", answer=500)
    working = push_service.device("working")
    _subscribe(reminded.user, push_service, failing)
    _subscribe(reminded.user, push_service, working)
    counts = send_due_reminders_now()
    assert len(push_service.wait_for(working, counts["sent"])) == counts["sent"] > 0
    assert PushSubscription.objects.filter(user=reminded.user).count() == 2


def test_a_reminder_kind_switched_off_is_not_pushed(reminded, push_service, vapid_key):
    Preference.objects.filter(user=reminded.user).update(switched_off=[Kind.DOSE])
    phone = push_service.device("phone")
    _subscribe(reminded.user, push_service, phone)
    counts = send_due_reminders_now()
    received = push_service.wait_for(phone, counts["sent"])
    dose_tags = set(
        Notification.objects.filter(user=reminded.user, kind=Kind.DOSE).values_list(
            "public_id", flat=True
        )
    )
    assert not dose_tags
    assert len(received) == counts["sent"] > 0
    assert (WORDS[Kind.CHECKIN][0]) in {r.payload["title"] for r in received}


def test_the_download_ready_notice_is_pushed_too(patient, push_service, vapid_key):
    phone = push_service.device("phone")
    _subscribe(patient.user, push_service, phone)
    notice = notice_export_ready(patient=patient, export_id="e1")
    [push] = push_service.wait_for(phone, 1)
    assert push.payload["tag"] == str(notice.public_id)
    assert push.payload["title"] == "Your download is ready"


def test_every_kind_of_reminder_the_email_has_has_words_for_a_push():
    assert set(WORDS) == set(Kind.values)


def test_nobody_else_gets_a_persons_push(reminded, other_patient, push_service, vapid_key):
    theirs = push_service.device("theirs")
    mine = push_service.device("mine")
    _subscribe(other_patient.user, push_service, theirs)
    _subscribe(reminded.user, push_service, mine)
    counts = send_due_reminders_now(patient_ids=[reminded.pk])
    assert len(push_service.wait_for(mine, counts["sent"])) == counts["sent"] > 0
    assert theirs.received == []
