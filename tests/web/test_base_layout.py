"""The base layout drawn in Python (taperwell/core/layout.py) writes, byte for byte, what the
Django template it replaced (tests/web/data/base_layout_template.html) wrote, for every role, both
languages, the demo banner, messages, a clinic with and without its own phone, and no token.

Its two includes are written out in the reference as they drew themselves: the account links
(`includes/account_links.html`) and `{% app_head %}`, the webpush app's inclusion tag, whose
`webpush/_head.html` is there with the tag's three values (`_app_head` works them out as the tag
did)."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from taperwell.core.crisis import crisis_help
from taperwell.core.navigation import nav_items, split_links
from taperwell.webpush.words import script_words

TEMPLATE = Path(__file__).parent / "data" / "base_layout_template.html"

PAGE = (
    "{% block title %}Grace & <Tea>{% endblock %}"
    '{% block extra_head %}<link rel="preload" href="/x">{% endblock %}'
    "{% block content %}<h1>{{ heading }}</h1>{% endblock %}"
    '{% block extra_body %}<script src="/static/js/page.js" defer></script>{% endblock %}'
)
HEAD_TITLE_PAGE = "{% block head_title %}Sign in{% endblock %}{% block content %}x{% endblock %}"


def _context(*, role, signed_in, demo, messages, clinic_phone, token, clinic_name):
    person = SimpleNamespace(is_authenticated=signed_in, public_id="5f0c3a52-6a36-4c1e-9d0a")
    clinic = None
    if clinic_name:
        clinic = SimpleNamespace(
            name=clinic_name,
            crisis_line_number="988",
            emergency_number="911",
            phone="(555) 010-2233" if clinic_phone else "",
            crisis_line_text="Call us",
            crisis_line_text_es="",
        )
    primary, more = split_links(role)
    return {
        "request": SimpleNamespace(user=person),
        "user": person,
        "csrf_token": token,
        "demo_mode": demo,
        "role": role,
        "nav_more": more,
        "nav_items": nav_items(primary, current_path="/checkin/"),
        "nav_more_items": nav_items(more, current_path="/checkin/"),
        "current_clinic": clinic,
        "crisis": crisis_help(clinic, language=translation.get_language()),
        "messages": [
            Message(constants.SUCCESS, "Saved. Thank you, O'Brien & co."),
            Message(constants.ERROR, mark_safe("<b>Marked</b>"), extra_tags="sticky"),
        ]
        if messages
        else [],
        "heading": "Today <3",
    }


def _app_head(context: dict) -> dict[str, str]:
    user = getattr(context.get("request"), "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "app_head_owner": str(user.public_id) if signed_in else "",
        "app_head_words": script_words(),
        "app_head_language": translation.get_language() or "en",
    }


def _both(page: str, context: dict) -> tuple[str, str]:
    django = engines["django"]
    reference = django.from_string(TEMPLATE.read_text())
    before = django.from_string("{% extends reference %}" + page).render(
        {**context, **_app_head(context), "reference": reference.template}
    )
    after = django.from_string('{% extends "base.html" %}' + page).render(context)
    return before, after


CASES = list(
    itertools.product(
        ["patient", "clinician", "admin", None],  # role
        [True, False],  # demo
        [True, False],  # messages
        [True, False],  # the clinic has its own phone
        ["en", "es"],
    )
)


@pytest.mark.parametrize(("role", "demo", "messages", "clinic_phone", "language"), CASES)
def test_the_layout_is_the_template_it_replaced_byte_for_byte(
    role, demo, messages, clinic_phone, language
):
    with translation.override(language):
        context = _context(
            role=role,
            signed_in=role is not None,
            demo=demo,
            messages=messages,
            clinic_phone=clinic_phone,
            token="x&y",  # escaped in the page as the template escaped it
            clinic_name="Riverside Pain & Wellness" if role else None,
        )
        before, after = _both(PAGE, context)
    assert after == before
    assert ('class="crisis-bar"' in after) == (role in ("patient", None))
    assert ('lang="es"' in after) == (language == "es")


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_signed_out_page_without_a_token_or_a_clinic_is_the_same_too(language):
    with translation.override(language):
        context = _context(
            role=None,
            signed_in=False,
            demo=False,
            messages=False,
            clinic_phone=False,
            token=None,
            clinic_name=None,
        )
        before, after = _both(HEAD_TITLE_PAGE, context)
    assert after == before
    assert "<title>Sign in · taperwell</title>" in after


def test_a_page_with_no_layout_context_at_all_is_the_same():
    before, after = _both(PAGE, {})
    assert after == before


def test_a_content_security_nonce_reaches_the_htmx_script():
    context = {
        **_context(
            role="patient",
            signed_in=True,
            demo=False,
            messages=False,
            clinic_phone=False,
            token="t",
            clinic_name="C",
        ),
        "csp_nonce": "n0nce",
    }
    before, after = _both(PAGE, context)
    assert after == before
    assert 'nonce="n0nce"' in after


def test_in_debug_the_htmx_debug_script_is_there_as_before(settings):
    settings.DEBUG = True
    context = _context(
        role="patient",
        signed_in=True,
        demo=False,
        messages=False,
        clinic_phone=False,
        token="t",
        clinic_name="C",
    )
    before, after = _both(PAGE, context)
    assert after == before
    assert "django-htmx" in after
