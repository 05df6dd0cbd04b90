"""The whole plan on My medicines: the rows of its timeline, written in one pass.

The markup is the template loop's it replaced (`tests/patient/test_page_speed.py` compares):
one list item a step, its start date, "you are here" or "done", and the step's words, each
escaped. Fifteen or more steps made the loop, its date filter and its translations a large
part of the page."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from taperwell.core.day_format import day_format
from taperwell.core.markup import escape


def timeline_items(rows: list[dict[str, Any]]) -> SafeString:
    """The `<li>` of each row of `checkins.selectors.step_timeline`, between the list's tags."""
    day_words = gettext("M j, Y")
    # The words outside the f-strings, so that makemessages finds them.
    here_words, done_words = gettext("you are here"), gettext("done")
    here = f" — <strong>{escape(here_words)}</strong>"
    done = f" — {escape(done_words)}"
    items = []
    for row in rows:
        when = row["when"]
        current = ' aria-current="step"' if when == "now" else ""
        suffix = here if when == "now" else done if when == "past" else ""
        items.append(
            f'\n    <li class="timeline-{escape(when)}"{current}>\n'
            f'      <p class="timeline-date">'
            f"{escape(day_format(row['start'], day_words))}{suffix}</p>\n"
            f"      <p>{escape(row['text'])}</p>\n"
            "    </li>\n    "
        )
    return mark_safe("".join(items))  # noqa: S308 (each value escaped above)
