"""Reads of the patient's notices for other apps' pages."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet, Subquery
from django.utils import timezone, translation

from taperwell.notifications.models import Notification
from taperwell.tapering.wording import INCREASE_TITLE

if TYPE_CHECKING:
    from taperwell.accounts.models import User

PLAN_NOTICE_DAYS = 7  # source = "none": how long Today repeats the news of a new plan


@dataclass(frozen=True)
class PlanNotice:
    """The news of a newly approved plan on Today."""

    title: str
    body: str
    is_increase: bool


def plan_notice_columns(user: User) -> dict[str, Subquery]:
    """For a query of patients: `notice_title` and `notice_body` of `user`'s latest notice of a
    newly approved plan from the last week (`plan_notice_of` reads them back)."""
    notices = _recent_plan_notices(user)
    return {
        "notice_title": Subquery(notices.values("title")[:1]),
        "notice_body": Subquery(notices.values("body")[:1]),
    }


def plan_notice_of(title: str | None, body: str | None) -> PlanNotice | None:
    if title is None:
        return None
    return PlanNotice(title=title, body=body or "", is_increase=title in _increase_titles())


def _recent_plan_notices(user: User) -> QuerySet[Notification]:
    since = timezone.now() - timedelta(days=PLAN_NOTICE_DAYS)
    return Notification.objects.filter(
        user=user, key__startswith="plan-approved:", created_at__gte=since
    ).order_by("-created_at", "-id")


@functools.cache  # the catalogues are fixed for the life of the process
def _increase_titles() -> frozenset[str]:
    """The title of an increase's notice in every language (it is written in the patient's)."""
    titles = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.add(str(INCREASE_TITLE))
    return frozenset(titles)
