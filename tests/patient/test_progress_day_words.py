"""The charts' short days, written without Django's date formatter per day, are the words
Django writes: in English and Spanish, for every day of a year, and for other formats."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation
from django.utils.formats import date_format

from taperwell.checkins.charts import short_day, short_day_words
from taperwell.core.day_format import day_format, day_writer

EVERY_DAY_OF_2028 = [date(2028, 1, 1) + timedelta(days=n) for n in range(366)]


@pytest.mark.parametrize(("language", "expected"), [("en", "Nov 3"), ("es", "3 de nov.")])
def test_every_short_day_is_the_day_django_writes(language, expected):
    with translation.override(language):
        words = short_day_words()
        assert short_day(date(2026, 11, 3)) == expected
        for day in EVERY_DAY_OF_2028:
            assert words(day) == date_format(day, "M j" if language == "en" else r"j \d\e b.")


@pytest.mark.parametrize(
    "written",
    [r"N j, Y", r"d/m/y", r"j \d\e F \d\e Y", r"b. n", r"E", r"D j M", r"l", r"W", r"\d\e"],
)
def test_other_day_formats_are_written_as_django_writes_them(written):
    for language in ("en", "es"):
        with translation.override(language):
            writer = day_writer(written)  # the format looked up once, for many days
            for day in [*EVERY_DAY_OF_2028, date(1999, 12, 31)]:  # every month and weekday
                assert day_format(day, written) == date_format(day, written)
                assert writer(day) == date_format(day, written)
