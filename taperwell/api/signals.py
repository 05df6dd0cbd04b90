"""Removing an authenticator revokes its owner's API tokens, as it ends their other sessions."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models.signals import post_delete
from django.dispatch import receiver

from taperwell.api.services import api_tokens_revoke_all


@receiver(post_delete, sender=Authenticator)
def _authenticator_removed(sender: Any, instance: Authenticator, **kwargs: Any) -> None:
    api_tokens_revoke_all(user=instance.user_id)
