"""The words the phone app's scripts say (offline.js, push.js), in the page's language.

The scripts are static files, so their words come from the page: the base layout writes them
as JSON in a <meta> (not a script: the Content-Security-Policy allows no inline script). Each
script keeps its English words as a fallback. {label} and {time} are filled in by the script.
"""

from __future__ import annotations

import functools
import json

from django.utils.translation import get_language, gettext


def script_words() -> str:
    return _script_words(get_language())


@functools.cache  # per language: the catalogues are fixed for the life of the process
def _script_words(language: str | None) -> str:
    return json.dumps(
        {
            "checkin": gettext("Your check-in"),
            "breathing": gettext("Your breathing practice"),
            "practice": gettext("Your practice"),
            "waiting": gettext(
                "{label} (saved at {time}) is waiting on this phone. It will be sent when you "
                "are back online."
            ),
            "sent": gettext("{label} from {time} is sent. Thank you."),
            "too_late": gettext(
                "{label} from an earlier day could not be sent in time. If you can, please "
                "check in again for today."
            ),
            "refused": gettext(
                "{label} from {time} could not be saved as it was. Please fill it in again."
            ),
            "push_on": gettext("Reminders come to this phone."),
            "push_off": gettext("Reminders do not come to this phone yet."),
            "push_unsupported": gettext(
                "This browser cannot show reminders. Email and the notices page still have them."
            ),
            "push_asking": gettext("Asking this phone…"),
            "push_denied": gettext("Notices are turned off for this site in the phone's settings."),
            "push_failed": gettext("That did not work."),
            "push_try_again": gettext("Please try again."),
        },
        ensure_ascii=False,
    )
