"""Saving and removing a device's push subscription, and sending a notice to every device.

The reminder sweep claims each notice before anything is sent (see notifications/reminders.py);
`notice_push_send` is one more channel of that send, beside the email, so it runs at most once per
notice. A push service that answers 404 or 410 has forgotten the device: the subscription goes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pywebpush import WebPushException, webpush

from taperwell.notifications.models import Notification
from taperwell.webpush.models import PushSubscription
from taperwell.webpush.payload import push_payload
from taperwell.webpush.vapid import vapid

if TYPE_CHECKING:
    from taperwell.accounts.models import User

log = logging.getLogger(__name__)

GONE = {404, 410}
TIMEOUT_SECONDS = 5  # a slow push service must not hold the sweep up for long
TTL_SECONDS = 12 * 60 * 60  # a reminder older than half a day is no help; let the service drop it


@transaction.atomic
def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str, device: str = ""
) -> PushSubscription:
    """Keep this device's subscription. The endpoint is the device: subscribing again from the
    same browser updates its keys, and a shared device follows whoever subscribed last."""
    if urlsplit(endpoint).scheme != "https" and not settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS:
        raise ValidationError("A push address must use https.")
    sub = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if sub is None:
        sub = PushSubscription(endpoint=endpoint)
    sub.user = user
    sub.p256dh = p256dh
    sub.auth = auth
    sub.device = device[:120]
    sub.full_clean(exclude=["user"], validate_unique=False)
    sub.save()
    return sub


@transaction.atomic
def push_subscription_remove(*, user: User, endpoint: str) -> int:
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def notice_push_send(*, notice: Notification) -> int:
    """Send the notice to each of its person's devices; returns how many took it.

    Never raises: a push that fails is logged, and the email and the notice centre still carry
    the reminder."""
    subs = list(PushSubscription.objects.filter(user_id=notice.user_id))
    if not subs:
        return 0
    data = push_payload(notice)
    delivered: list[int] = []
    gone: list[int] = []
    for sub in subs:
        try:
            webpush(
                subscription_info=sub.as_subscription_info(),
                data=data,
                vapid_private_key=vapid(),
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=TTL_SECONDS,
                timeout=TIMEOUT_SECONDS,
                content_encoding="aes128gcm",
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in GONE:
                gone.append(sub.pk)
            else:
                log.warning("push failed for subscription %s: %s", sub.public_id, status)
            continue
        except Exception:  # a bad key or an unreachable service must not stop the sweep
            log.exception("push failed for subscription %s", sub.public_id)
            continue
        delivered.append(sub.pk)
    if gone:
        PushSubscription.objects.filter(pk__in=gone).delete()
    if delivered:
        PushSubscription.objects.filter(pk__in=delivered).update(last_sent_at=timezone.now())
    return len(delivered)
