"""The dose cards' times (`dose_cards_html._time`) read as the template's `|time:"g:i A"` wrote
them: every minute of the day, as a time, a naive and an aware datetime, in English and
Spanish."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.template import engines
from django.utils import timezone
from django.utils.translation import override

from taperwell.medications.dose_cards_html import _time


def _template_time(value: object) -> str:
    return engines["django"].from_string('{{ value|time:"g:i A" }}').render({"value": value})


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_minute_of_the_day_reads_as_the_template_wrote_it(language):
    with override(language), timezone.override("America/Chicago"):
        for minute in range(0, 24 * 60, 7):
            clock = time(minute // 60, minute % 60)
            naive = datetime(2026, 12, 7, clock.hour, clock.minute)  # noqa: DTZ001 (a naive one too)
            aware = datetime(2026, 12, 7, clock.hour, clock.minute, tzinfo=UTC)
            for value in (clock, naive, aware):
                assert _time(value) == _template_time(value), (language, value)
