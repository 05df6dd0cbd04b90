"""What a push says. A push shows on a lock screen that anyone nearby may read, so it carries no
health detail: no medicine, dose, step, score or message text; only what kind of thing is waiting
and where to tap. (The notice itself, with its full words, waits behind sign-in.)"""

from __future__ import annotations

import json

from taperwell.notifications.models import Kind, Notification

GENERIC = ("A reminder from your clinic", "Tap to open taperwell.")
WORDS: dict[str, tuple[str, str]] = {
    Kind.CHECKIN: ("Time for your check-in", "Two minutes: how is today going?"),
    Kind.PRACTICE: ("A few minutes for you", "A short practice can help today feel steadier."),
    Kind.QUESTIONNAIRE: ("A few questions are waiting", "Tap to answer when you have a moment."),
    Kind.SESSION: ("Your group meets soon", "Tap to see the time and how to join."),
    Kind.MESSAGE: ("You have a new message", "Sign in to read it."),
    Kind.EXPORT: ("Your download is ready", "Sign in to get it."),
    # Doses, taper steps and naloxone say nothing more than "a reminder": they are health details.
    Kind.DOSE: GENERIC,
    Kind.TAPER_STEP: GENERIC,
    Kind.NALOXONE: GENERIC,
}


def push_payload(notice: Notification) -> bytes:
    title, body = WORDS.get(notice.kind, GENERIC)
    return json.dumps(
        {
            "title": title,
            "body": body,
            "url": notice.url or "/notices/",
            "tag": str(notice.public_id),  # a repeat of the same notice replaces, not stacks
        }
    ).encode()
