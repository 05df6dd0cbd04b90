"""The check-in's blank questions are drawn once per process per language
(`BlankQuestionsRenderer`): what it gives back is, byte for byte, what the field templates write,
and a question with an answer is never given the blank one."""

from __future__ import annotations

import pytest
from django.utils import translation

from taperwell.checkins.forms import CheckInForm
from taperwell.core.forms import FieldTemplatesRenderer

KEY = {"idempotency_key": "6f1c1b9e-3d0c-4a52-9a51-6a8e0f7b2c11"}
ANSWERS = {
    "pain": 7,
    "sleep": 0,
    "mood": 10,
    "withdrawal": 3,
    "craving": 2,
    "withdrawal_signs": ["sweating"],
    "activity_text": "a walk <by the river>",
    "prn_doses": 2,
    "self_harm": "skip",
    "overdose": "no",
    "naloxone_used": "yes",
    "not_prescribed_opioids": "",
    "note": "a note & more",
}


def _drawn(initial: dict, *, renderer=None) -> dict[str, str]:
    form = CheckInForm(initial=initial, activities=[], renderer=renderer)
    return {name: str(form[name].as_field_group()) for name in form.fields}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_blank_check_in_is_what_the_field_templates_write_the_first_and_second_time(language):
    with translation.override(language):
        templated = _drawn(KEY, renderer=FieldTemplatesRenderer())
        first, second = _drawn(KEY), _drawn(KEY)
    assert first == templated
    assert second == templated
    assert "checked" not in "".join(second.values())


def test_answers_are_drawn_as_answered_after_a_blank_form_was_drawn():
    with translation.override("en"):
        _drawn(KEY)
        answered = _drawn({**KEY, **ANSWERS})
        templated = _drawn({**KEY, **ANSWERS}, renderer=FieldTemplatesRenderer())
    assert answered == templated
    assert 'value="7" id="id_pain_7" checked' in answered["pain"]
    assert "checked" in answered["withdrawal_signs"]
    assert "a note &amp; more" in answered["note"]
    assert "a walk &lt;by the river&gt;" in answered["activity_text"]


def test_a_blank_question_in_one_language_is_not_shown_in_another():
    with translation.override("en"):
        english = _drawn(KEY)
    with translation.override("es"):
        spanish = _drawn(KEY)
        templated = _drawn(KEY, renderer=FieldTemplatesRenderer())
    assert spanish == templated
    assert spanish["pain"] != english["pain"]


def test_a_sent_form_with_mistakes_is_drawn_afresh():
    with translation.override("en"):
        _drawn(KEY)
        form = CheckInForm({"pain": "99"}, activities=[])
        html = str(form["pain"].as_field_group())
    assert "errorlist" in html
