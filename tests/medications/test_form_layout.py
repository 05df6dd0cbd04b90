"""Staff forms keep each label and hint with its own input: in "Add medicine" the "mg, or mcg/h"
hint sits under Unit, not under Strength (the fields share a grid, so each must be one block)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _field_block(html: str, input_id: str) -> str:
    """The field block that holds the input `input_id`: from its opening to the next block."""
    at = html.index(f'id="{input_id}"')
    start = html.rindex('<div class="field">', 0, at)
    following = html.find('<div class="field">', at)
    return html[start : following if following != -1 else len(html)]


def test_the_unit_hint_sits_under_unit_with_its_label_above_the_input(client, clinician, patient):
    client.force_login(clinician)

    html = client.get(reverse("medications:list", args=[patient.public_id])).content.decode()

    unit = _field_block(html, "id_unit")
    assert unit.index('for="id_unit"') < unit.index('id="id_unit"') < unit.index("mg, or mcg/h")
    strength = _field_block(html, "id_strength")
    assert 'for="id_strength"' in strength
    assert "mg, or mcg/h" not in strength
    assert 'id="id_unit"' not in strength
