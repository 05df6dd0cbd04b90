"""`{% push_device_settings %}` on the notice settings page."""

from __future__ import annotations

from typing import Any

from django import template

from taperwell.webpush.models import PushSubscription
from taperwell.webpush.vapid import application_server_key

register = template.Library()


@register.inclusion_tag("webpush/_device.html", takes_context=True)
def push_device_settings(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {
        "push_key": application_server_key(),
        "push_devices": PushSubscription.objects.filter(user=user).count(),
    }
