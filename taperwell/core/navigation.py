"""The main navigation for each role. A link whose page does not exist yet is left out."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.models import Role

PATIENT_LINKS = [
    ("today:today", _("Today")),
    # A tab's word must fit a fifth of a 320 px screen in every language: "tab" words may be
    # shorter than the page titles they lead to.
    ("checkins:new", pgettext_lazy("tab", "Check in")),
    ("skills:index", pgettext_lazy("tab", "Skills")),
    ("messaging:inbox", _("Messages")),
    ("checkins:medicines", _("My medicines")),
    ("goals:index", _("Goals")),
    ("checkins:progress", _("Progress")),
    ("community:index", _("Group")),
    ("meetings:index", _("Sessions")),
    ("notifications:centre", _("Reminders")),
    ("reports:mine", _("My data")),
]
CARE_LINKS = [
    ("care:dashboard", _("Triage")),
    ("patients:panel", _("Patients")),
    ("messaging:inbox", _("Messages")),
    ("community:index", _("Peer group")),
    ("meetings:index", _("Sessions")),
    ("enrolment:invitation_list", _("Invitations")),
    ("audit:log", _("Audit log")),
    ("reports:research", _("Research export")),
    ("care:clinic_settings", _("Clinic settings")),
]
# Who sees which care link (everyone on the care team sees the rest).
ONLY_FOR = {
    "messaging:inbox": {Role.CLINICIAN, Role.BEHAVIOURAL_HEALTH},
    "enrolment:invitation_list": {Role.CLINICIAN, Role.STAFF, Role.ADMIN},
    "audit:log": {Role.ADMIN},
    "reports:research": {Role.ADMIN},
    "care:clinic_settings": {Role.ADMIN},
}


# The patient's tab bar (at the bottom of a phone, along the top of a wide screen): these four,
# then "More" with the rest, so every page starts near the top and the main places are one tap.
PATIENT_FIRST = 4


def split_links(role: str | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    links = links_for(role)
    if role == Role.PATIENT:
        return links[:PATIENT_FIRST], links[PATIENT_FIRST:]
    return links, []


def nav_items(links: Iterable[tuple[str, str]], *, current_path: str) -> SafeString:
    """The links as the navigation's list items, the current page's marked for screen readers.
    Each item's markup is made once per process (a URL and its words: nobody's data)."""
    return mark_safe("\n".join(_nav_item(url, label, url == current_path) for url, label in links))  # noqa: S308


@functools.lru_cache(maxsize=1024)
def _nav_item(url: str, label: str, current: bool) -> str:
    mark = mark_safe(' aria-current="page"') if current else ""
    return format_html('<li><a href="{}"{}>{}</a></li>', url, mark, label)


def links_for(role: str | None) -> list[tuple[str, str]]:
    if role is None:
        return []
    # The same role, language, URLconf and script prefix give the same links: reversed and
    # worded once per process, not on every page (no one's data is in them).
    key = (str(role), get_language(), get_urlconf(settings.ROOT_URLCONF), get_script_prefix())
    if key not in _LINKS:
        _LINKS[key] = _links_for(role)
    return list(_LINKS[key])


_LINKS: dict[tuple[str, str | None, Any, str], tuple[tuple[str, str], ...]] = {}


def _links_for(role: str) -> tuple[tuple[str, str], ...]:
    patient = role == Role.PATIENT
    names = PATIENT_LINKS if patient else CARE_LINKS
    links = []
    for name, label in names:
        # ONLY_FOR sorts the care team's links; a patient always has their messages.
        if not patient and name in ONLY_FOR and role not in ONLY_FOR[name]:
            continue
        try:
            links.append((reverse(name), str(label)))
        except NoReverseMatch:
            continue
    return tuple(links)
