"""My medicines drawn in Python writes what Django's own formatting and templates write."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from django.utils.formats import date_format
from hypothesis import given
from hypothesis import strategies as st

from taperwell.core.day_format import day_format

DAY_FORMATS = ["M j, Y", "F j, Y", "l, F j", "M j", "F j", "j \\d\\e M \\d\\e Y", "D d/m/y, n"]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("format_string", DAY_FORMATS)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_a_day_written_quickly_is_what_date_format_writes(language, format_string, day):
    with translation.override(language):
        assert day_format(day, format_string) == date_format(day, format_string)


@pytest.mark.parametrize("format_string", ["DATE_FORMAT", "N j, Y", "jS F", "U"])
def test_a_format_with_other_letters_is_left_to_django(format_string):
    day = date(2026, 12, 7)
    assert day_format(day, format_string) == date_format(day, format_string)
