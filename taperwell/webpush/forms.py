from __future__ import annotations

import json
from typing import Any

from django import forms


class SubscriptionForm(forms.Form):
    """A `PushSubscription.toJSON()` from the browser, flattened."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.RegexField(r"^[A-Za-z0-9_-]{80,100}={0,2}$", max_length=200)
    auth = forms.RegexField(r"^[A-Za-z0-9_-]{16,30}={0,2}$", max_length=64)
    device = forms.CharField(max_length=120, required=False)

    @classmethod
    def from_json(cls, body: bytes, *, endpoint_only: bool = False) -> SubscriptionForm:
        try:
            data: Any = json.loads(body or b"{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
        form = cls(
            {
                "endpoint": data.get("endpoint", ""),
                "p256dh": keys.get("p256dh", ""),
                "auth": keys.get("auth", ""),
                "device": data.get("device", ""),
            }
        )
        if endpoint_only:
            for name in ("p256dh", "auth"):
                form.fields[name].required = False
        return form
