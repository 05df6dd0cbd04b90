"""One Web Push subscription per device: the address the browser's push service gave it and the
two keys the payload is encrypted with (RFC 8291). Removed when the push service says it is gone."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class PushSubscription(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    # The push service's address for this device; a device that subscribes again gets a new one.
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)  # the device's public key, base64url
    auth = models.CharField(max_length=64)  # the shared authentication secret, base64url
    device = models.CharField(max_length=120, blank=True)  # "Chrome on Android", for the list
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Push subscription {self.public_id} of {self.user_id}"

    def as_subscription_info(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
