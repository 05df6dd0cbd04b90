"""My progress's own part written in Python: the markup its template's content block wrote.

The block was eleven translation tags and five links walked by the template engine on every
visit, around the charts (`progress.progress_charts`, already drawn in Python). Here the fixed
pieces are worded once per process, language and script prefix (only our words and links,
never a value of the patient's), and joined with what the request worked out: whether mood got
worse, the words about effort (escaped) and the charts. `tests/patient/test_progress_html.py`
compares the result with the template it replaced (kept in `tests/patient/data/`) for every
patient of the demo clinic, in English and Spanish, and for the states the demo does not show.

As in the template: our own words as they are (a template's literal is safe, so
`{% translate %}` does not escape it), every value put in them escaped. Every word is written
with `gettext` itself, so that `makemessages` finds it.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from taperwell.core.markup import escape


class _Pieces(NamedTuple):
    top: str  # the heading and the line under it
    mood_worse: str  # the card shown when the last PHQ-9 is in a higher band
    no_charts: str  # what shows before there is anything to draw
    bottom: str  # the links to the questionnaires and past check-ins


def progress_html(*, figures: str, effort: str, mood_worse: bool) -> SafeString:
    """The content block: `figures` the charts' markup (safe, joined by the view), `effort`
    the words about effort (plain text, escaped here; empty for none)."""
    pieces = _pieces(get_language(), get_script_prefix())
    out = [pieces.top]
    out.append(pieces.mood_worse if mood_worse else "\n")
    if effort:
        out.append(f'<p class="card celebrate">{escape(effort)}</p>')
    out.append("\n")
    out.append(figures if figures else pieces.no_charts)
    out.append(pieces.bottom)
    return mark_safe("".join(out))  # noqa: S308 (our words, links escaped, values escaped)


@functools.lru_cache(maxsize=16)
def _pieces(language: str | None, script_prefix: str) -> _Pieces:
    """The block's fixed markup in one language (`language` and `script_prefix` key it)."""
    title = gettext("My progress")
    intro = gettext(
        "The last twelve weeks. Ups and downs are normal; look at the overall direction."
    )
    heavier = gettext("Things may feel heavier lately")
    worse = gettext(
        "Your last mood questionnaire (PHQ-9) scored higher than the one before, which means a "
        "harder time. That happens, and it is not your fault. You don't have to carry it alone."
    )
    tell = gettext("Tell your care team how you are")
    help_now = gettext("Help right now")
    appear = gettext("Your charts will appear here after a few check-ins.")
    check_in = gettext("Check in now")
    questionnaires = gettext("Questionnaires")
    past = gettext("Past check-ins")
    message, crisis = escape(reverse("messaging:new")), escape(reverse("checkins:crisis"))
    new, asked = escape(reverse("checkins:new")), escape(reverse("checkins:questionnaires"))
    history = escape(reverse("checkins:history"))
    return _Pieces(
        top=f'\n<div class="narrow">\n<h1>{title}</h1>\n<p>{intro}</p>\n',
        mood_worse=(
            '\n<section class="card" aria-labelledby="mood-worse-h">\n'
            f'  <h2 id="mood-worse-h">{heavier}</h2>\n'
            f"  <p>{worse}</p>\n"
            f'  <p><a href="{message}">{tell}</a> · <a href="{crisis}">{help_now}</a></p>\n'
            "</section>\n\n"
        ),
        no_charts=f'\n  <p class="card">{appear} <a href="{new}">{check_in}</a></p>\n',
        bottom=(
            f'\n<p><a href="{asked}">{questionnaires}</a> · '
            f'<a href="{history}">{past}</a></p>\n</div>\n'
        ),
    )
