"""Reads of the patient's notices for other apps' pages."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Subquery
from django.utils import translation

from taperwell.notifications.models import Notification
from taperwell.tapering.wording import INCREASE_TITLE

if TYPE_CHECKING:
    pass

PLAN_NOTICE_DAYS = 7  # source = "none": how long Today repeats the news of a new plan


@dataclass(frozen=True)
class PlanNotice:
    """The news of a newly approved plan on Today."""

    title: str
    body: str
    is_increase: bool


def plan_notice_columns(*, user_id: int, since: datetime) -> dict[str, Subquery]:
    """For a query of patients: `notice_title` and `notice_body` of the user's latest notice of
    a newly approved plan made at or after `since` (`plan_notice_since` gives it: a week ago;
    `plan_notice_of` reads them back)."""
    notices = Notification.objects.filter(
        user_id=user_id, key__startswith="plan-approved:", created_at__gte=since
    ).order_by("-created_at", "-id")
    return {
        "notice_title": Subquery(notices.values("title")[:1]),
        "notice_body": Subquery(notices.values("body")[:1]),
    }


def plan_notice_of(title: str | None, body: str | None) -> PlanNotice | None:
    if title is None:
        return None
    return PlanNotice(title=title, body=body or "", is_increase=title in _increase_titles())


def plan_notice_since(now: datetime) -> datetime:
    """How far back Today looks for the news of a new plan."""
    return now - timedelta(days=PLAN_NOTICE_DAYS)


@functools.cache  # the catalogues are fixed for the life of the process
def _increase_titles() -> frozenset[str]:
    """The title of an increase's notice in every language (it is written in the patient's)."""
    titles = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.add(str(INCREASE_TITLE))
    return frozenset(titles)
