"""Reads of the patient's notices for other apps' pages."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation

from taperwell.notifications.models import Notification
from taperwell.tapering.wording import INCREASE_TITLE

if TYPE_CHECKING:
    from taperwell.accounts.models import User

PLAN_NOTICE_DAYS = 7  # source = "none": how long Today repeats the news of a new plan


def plan_change_notice(user: User) -> Notification | None:
    """The latest notice of a newly approved plan from the last week, for the patient's Today."""
    since = timezone.now() - timedelta(days=PLAN_NOTICE_DAYS)
    notice = (
        Notification.objects.filter(
            user=user, key__startswith="plan-approved:", created_at__gte=since
        )
        .order_by("-created_at")
        .first()
    )
    if notice is not None:
        notice.is_increase = notice.title in _increase_titles()
    return notice


def _increase_titles() -> set[str]:
    """The title of an increase's notice in every language (it is written in the patient's)."""
    titles = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.add(str(INCREASE_TITLE))
    return titles
