"""What a push says. A push shows on a lock screen that anyone nearby may read, so it carries no
health detail: no medicine, dose, step, score or message text; only what kind of thing is waiting
and where to tap. (The notice itself, with its full words, waits behind sign-in.)"""

from __future__ import annotations

import json

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from taperwell.notifications.models import Kind, Notification

GENERIC = (_("A reminder from your clinic"), _("Tap to open taperwell."))
WORDS: dict[str, tuple[str, str]] = {
    Kind.CHECKIN: (_("Time for your check-in"), _("Two minutes: how is today going?")),
    Kind.PRACTICE: (
        _("A few minutes for you"),
        _("A short practice can help today feel steadier."),
    ),
    Kind.QUESTIONNAIRE: (
        _("A few questions are waiting"),
        _("Tap to answer when you have a moment."),
    ),
    Kind.SESSION: (_("Your group meets soon"), _("Tap to see the time and how to join.")),
    Kind.MESSAGE: (_("You have a new message"), _("Sign in to read it.")),
    Kind.EXPORT: (_("Your download is ready"), _("Sign in to get it.")),
    # Doses, taper steps and naloxone say nothing more than "a reminder": they are health details.
    Kind.DOSE: GENERIC,
    Kind.TAPER_STEP: GENERIC,
    Kind.NALOXONE: GENERIC,
}


def push_payload(notice: Notification) -> bytes:
    """The push for `notice`, in its reader's language."""
    from taperwell.core.language import language_for_user

    title, body = WORDS.get(notice.kind, GENERIC)
    with translation.override(language_for_user(notice.user) or "en"):
        title, body = str(title), str(body)
    return json.dumps(
        {
            "title": title,
            "body": body,
            "url": notice.url or "/notices/",
            "tag": str(notice.public_id),  # a repeat of the same notice replaces, not stacks
        }
    ).encode()
