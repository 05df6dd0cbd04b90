"""The base layout (templates/base.html) drawn in Python: the head, the 988 crisis bar, the
navigation, the messages and the footer around every page.

The Django template drew some seventy nodes on every page (a tenth of a light page). Here the
fixed parts, the words in the page's language, the static and named URLs, are made once per
process per language (nobody's data is in them: see `_fixed`), and each request fills in only what
is its own: the `lang` attribute, the CSRF token, the role's class and links, the clinic's name and
crisis numbers, the person's id for the phone app's scripts, and the messages. Pages still
override the same blocks (`title`, `head_title`, `extra_head`, `content`, `extra_body`): base.html
is these pieces with the blocks between them, and tests/web/test_base_layout.py holds the
template it replaced and compares the two byte for byte.

The head's lines for the phone app (manifest, theme colour, icon, the scripts' words) are the
webpush app's: see taperwell/webpush/README.md.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.template import Context
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext, gettext_noop, override
from django_htmx.jinja import htmx_script

from taperwell.core.markup import csrf_field, escape
from taperwell.core.templatetags.phone_links import tel
from taperwell.webpush.words import script_words

# The words with a value in them (the template's `{% blocktranslate %}`s, with the same msgids).
CRISIS_CALL = gettext_noop("Crisis help: call or text %(number)s")
IN_DANGER = gettext_noop("If you are in danger right now, call %(emergency)s.")
CLINIC_PHONE = gettext_noop("Clinic: %(phone)s.")


def _words(message: str, **values: str) -> str:
    """A `{% blocktranslate %}`: the words as they are, the values (already markup) put in; a
    translation that does not fit its values falls back to the English words."""
    try:
        return gettext(message) % values
    except (KeyError, ValueError):
        with override(None):
            return gettext(message) % values


def _key() -> tuple[Any, ...]:
    return (
        get_language(),
        settings.DEBUG,
        settings.STATIC_URL,
        get_urlconf(settings.ROOT_URLCONF),
        get_script_prefix(),
    )


_PIECES = "taperwell.core.layout"  # where one page's render keeps its pieces (render context)


def fixed(context: Context) -> dict[str, str]:
    """The layout's fixed pieces for this request's language, URLs and settings, looked up once
    per page."""
    pieces = context.render_context.get(_PIECES)
    if pieces is None:
        pieces = context.render_context[_PIECES] = _fixed(_key())
    return pieces


@functools.lru_cache(maxsize=64)
def _fixed(key: tuple[Any, ...]) -> dict[str, str]:
    language = key[0]
    lang = escape(language)
    # Worded outside the f-strings below, where `make messages` finds them.
    skip = escape(gettext("Skip to main content"))
    crisis_label = escape(gettext("Crisis help"))
    more_help = escape(gettext("More help"))
    account = escape(gettext("Account"))
    sign_out = escape(gettext("Sign out"))
    return {
        "open": (
            f'<!DOCTYPE html>\n\n<html lang="{lang}">\n<head>\n'
            '  <meta charset="utf-8">\n'
            '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '  <meta name="color-scheme" content="light">\n'
            "  <title>"
        ),
        "head_to_owner": (
            f'  <link rel="stylesheet" href="{escape(static("css/taperwell.css"))}">\n'
            f'  <link rel="stylesheet" href="{escape(static("css/phone.css"))}">\n'
            f'  <link rel="stylesheet" href="{escape(static("css/dark.css"))}"'
            ' media="(prefers-color-scheme: dark)">\n'
            f'  <link rel="icon" href="{escape(static("img/favicon.svg"))}" type="image/svg+xml">\n'
            f'  <link rel="manifest" href="{escape(reverse("webpush:manifest"))}">\n'
            f'  <link rel="stylesheet" href="{escape(static("webpush/webpush.css"))}">\n'
            '  <meta name="theme-color" content="#1f6f5c">\n'
            '  <link rel="apple-touch-icon"'
            f' href="{escape(static("webpush/icons/apple-touch-icon.png"))}">\n'
            '  <meta name="taperwell-owner" content="'
        ),
        "head_words": (
            f'">\n  <meta name="taperwell-words" content="{escape(script_words())}"'
            f' data-language="{escape(language or "en")}">\n'
            f'  <script src="{escape(static("webpush/offline.js"))}" defer></script>\n'
            "\n"
            '  <meta name="htmx-config" content=\'{"includeIndicatorStyles":false}\'>\n'
            "  "
        ),
        "htmx": str(htmx_script()),
        "head_close": (
            f'\n  <script src="{escape(static("js/taperwell.js"))}" defer></script>\n  '
        ),
        "skip": (f'\n  <a class="skip-link" href="#main">{skip}</a>\n  '),
        "demo": (
            '\n  <div class="demo-banner" role="note">'
            + escape(
                gettext(
                    "Demo clinic: everyone here is made up. Staff skip the second sign-in step"
                    " in the demo only."
                )
            )
            + "</div>\n  "
        ),
        "crisis_open": (
            '\n  <div class="crisis-bar" role="region"'
            f' aria-label="{crisis_label}">\n    <a href="tel:'
        ),
        "crisis_more": (
            f'</a>\n    <a href="{escape(reverse("crisis"))}" class="crisis-more">'
            f"{more_help}</a>\n  </div>\n  "
        ),
        "brand": (
            '\n  <header class="site-header">\n'
            f'    <a class="brand" href="{escape(reverse("home"))}">taperwell'
        ),
        "nav_label": escape(gettext("Main")),
        "more": escape(gettext("More")),
        "account": (
            f'<li><a href="{escape(reverse("account_change_password"))}">'
            f"{account}</a></li>\n<li>\n"
            f'  <form method="post" action="{escape(reverse("account_logout"))}" class="inline">'
        ),
        "sign_out": (
            '\n    <button type="submit" class="link-button">'
            f"{sign_out}</button>\n  </form>\n</li>\n"
        ),
        "never_changes": (
            '</p>\n    <p class="small">'
            + escape(
                gettext("taperwell supports your care team. It never changes a dose on its own.")
            )
            + "</p>\n  </footer>\n  "
        ),
    }


def _csrf(context: Context) -> tuple[str, str]:
    """The token as `{{ csrf_token }}` writes it, and as `{% csrf_token %}` writes its field."""
    if "csrf_token" not in context:
        return "", ""
    token = context["csrf_token"]
    value = escape(token)
    if not token or token == "NOTPROVIDED":  # noqa: S105 - CsrfViewMiddleware's "no token"
        return value, ""
    return value, csrf_field(token)


def _crisis(context: Context) -> dict[str, Any]:
    return context.get("crisis") or {}


def top(context: Context) -> str:
    """From the doctype to the <title> (the page's title follows)."""
    language = get_language()
    context["LANGUAGE_CODE"] = language
    return fixed(context)["open"]


def head(context: Context) -> str:
    """After the title, to the place of the page's own head (`extra_head`)."""
    pieces = fixed(context)
    request = context.get("request")
    user = getattr(request, "user", None)
    owner = str(user.public_id) if user is not None and user.is_authenticated else ""
    nonce = context.get("csp_nonce")
    script = pieces["htmx"] if nonce is None else str(htmx_script(nonce=nonce))
    return (
        " · taperwell</title>\n"
        + pieces["head_to_owner"]
        + escape(owner)
        + pieces["head_words"]
        + script
        + pieces["head_close"]
    )


def body(context: Context) -> str:
    """From </head> to the place of the page's content: the crisis bar, the navigation, the
    messages."""
    pieces = fixed(context)
    role = context.get("role")
    token, token_field = _csrf(context)
    kind = "patient" if role == "patient" else ("care" if role else "public")
    parts = [
        f'\n</head>\n<body class="{kind}" hx-headers=\'{{"X-CSRFToken": "{token}"}}\'>',
        pieces["skip"],
    ]
    if context.get("demo_mode"):
        parts.append(pieces["demo"])
    parts.append("\n  ")
    if role == "patient" or not role:
        number = escape(_crisis(context).get("number", ""))
        parts += [
            pieces["crisis_open"],
            number,
            '" class="crisis-call">',
            _words(CRISIS_CALL, number=number),
            pieces["crisis_more"],
        ]
    parts.append(pieces["brand"])
    clinic = context.get("current_clinic")
    if clinic:
        parts.append(f'<span class="clinic-name">{escape(clinic.name)}</span>')
    parts.append("</a>\n    ")
    user = context.get("user")
    if user is not None and user.is_authenticated:
        account = pieces["account"] + token_field + pieces["sign_out"]
        tab_bar = ' class="tab-bar"' if role == "patient" else ""
        parts.append(
            f'\n    <nav aria-label="{pieces["nav_label"]}"{tab_bar}>\n      <ul class="nav">\n'
            f"        {escape(context.get('nav_items', ''))}\n        "
        )
        if context.get("nav_more"):
            parts.append(
                '\n        <li class="nav-more">\n          <details>\n'
                f"            <summary>{pieces['more']}</summary>\n"
                '            <ul class="nav">\n'
                f"              {escape(context.get('nav_more_items', ''))}\n"
                f"              {account}\n            </ul>\n          </details>\n"
                "        </li>\n        "
            )
        else:
            parts.append(f"\n          {account}\n        ")
        parts.append("\n      </ul>\n    </nav>\n    ")
    parts.append('\n  </header>\n  <main id="main" tabindex="-1">\n    ')
    messages = context.get("messages")
    if messages:
        shown = "".join(
            f'<p class="message {escape(message.tags)}">{escape(str(message))}</p>'
            for message in messages
        )
        parts.append(f'\n    <div class="messages" role="status">\n      {shown}\n    </div>\n    ')
    parts.append("\n    ")
    return "".join(parts)


def foot(context: Context) -> str:
    """From </main> to the place of the page's own scripts (`extra_body`): the footer."""
    crisis = _crisis(context)
    parts = [
        '\n  </main>\n  <footer class="site-footer">\n    <p>',
        _words(IN_DANGER, emergency=tel(crisis.get("emergency", ""))),
        "\n      ",
    ]
    if crisis.get("clinic_phone"):
        parts.append(_words(CLINIC_PHONE, phone=tel(crisis["clinic_phone"])))
    parts.append(fixed(context)["never_changes"])
    return "".join(parts)
