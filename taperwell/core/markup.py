"""Small HTML written in Python, quickly: `escape` is Django's `conditional_escape` for the many
short values of a form's markup (names, ids, option values and labels).

`format_html` escapes each argument through two lazy-aware wrappers and checks for lazy strings on
every call; on the daily check-in, with some three hundred fragments, that was a third of the
page. Fragments built here are f-strings of escaped values, marked safe once, as a whole.
"""

from __future__ import annotations

import html
from typing import Any

from django.utils.functional import Promise


def escape(value: Any) -> str:
    """What `conditional_escape` writes: markup (anything with `__html__`) as it is, all else
    escaped; a lazy translation is translated first."""
    if type(value) is str:
        return html.escape(value)
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))
