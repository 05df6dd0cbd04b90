"""{% url %} in every template: a named link without arguments is worked out once per process,
and reads what Django's own tag reads."""

from __future__ import annotations

import uuid

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix

from taperwell.core.templatetags import url_once


def _render(text: str, **context: object) -> str:
    return engines["django"].from_string(text).render(context)


def test_the_builtin_url_tag_is_ours_and_gives_djangos_paths():
    assert _render("{% url 'checkins:new' %}") == reverse("checkins:new")
    assert any(key[0] == "checkins:new" for key in url_once._PATHS)
    public_id = uuid.uuid4()
    assert _render("{% url 'care:record' pid %}", pid=public_id) == reverse(
        "care:record", args=[public_id]
    )
    assert _render("{% url name %}", name="goals:index") == reverse("goals:index")
    assert _render("{% url 'goals:index' as there %}[{{ there }}]") == f"[{reverse('goals:index')}]"


def test_a_script_prefix_gives_its_own_path():
    try:
        set_script_prefix("/clinic/")
        assert _render("{% url 'today:today' %}") == "/clinic/today/"
    finally:
        set_script_prefix("/")
    assert _render("{% url 'today:today' %}") == "/today/"


def test_an_unknown_name_still_fails_loudly():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        _render("{% url 'no-such-page' %}")
