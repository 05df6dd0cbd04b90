"""Small HTML written in Python, quickly: `escape` is Django's `conditional_escape` for the many
short values of a form's markup (names, ids, option values and labels).

`format_html` escapes each argument through two lazy-aware wrappers and checks for lazy strings on
every call; on the daily check-in, with some three hundred fragments, that was a third of the
page. Fragments built here are f-strings of escaped values, marked safe once, as a whole.
"""

from __future__ import annotations

import html
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
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


def page_csrf_token(request: HttpRequest) -> str:
    """The request's CSRF token, masked once per request: every form a page writes in Python
    (and the layout, when the view passes it as `csrf_token`) carries the same one, as the
    `{% csrf_token %}`s of one template render do. A new request masks it afresh."""
    token: str | None = getattr(request, "_page_csrf_token", None)
    if token is None:
        token = get_token(request)
        request._page_csrf_token = token  # type: ignore[attr-defined]
    return token


def csrf_field(token: str) -> str:
    """What `{% csrf_token %}` writes for `token`."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
