"""`{% push_device_settings %}` on the notice settings page; `{% app_head %}` in base.html."""

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


@register.inclusion_tag("webpush/_head.html", takes_context=True)
def app_head(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    from django.utils.translation import get_language

    from taperwell.webpush.words import script_words

    return {
        "owner": str(user.public_id) if signed_in else "",
        "script_words": script_words(),
        "language": get_language() or "en",
    }
