"""Progress's dose chart holds each dose flat until a step changes it, as a dose is taken: the
line drops straight down on the step's day, never slopes between steps."""

from __future__ import annotations

import itertools

import pytest

from taperwell.checkins.progress import progress_charts
from taperwell.checkins.selectors import clinic_today
from taperwell.patients.models import Patient

pytestmark = pytest.mark.django_db


def _corners(polyline: str) -> list[tuple[float, float]]:
    return [tuple(float(n) for n in pair.split(",")) for pair in polyline.split()]


def test_the_dose_line_is_flat_between_steps_and_drops_straight_down_on_a_step(demo):
    maria = Patient.objects.get(user__email="maria@example.org")
    charts = progress_charts(maria, today=clinic_today(maria.clinic))
    dose = next(chart for chart in charts if chart.key == "mme")
    corners = [c for polyline in dose.polylines for c in _corners(polyline)]
    heights = {y for _x, y in corners}
    assert len(heights) > 1, "Maria's plan has stepped down within the twelve weeks"
    for (x1, y1), (x2, y2) in itertools.pairwise(corners):
        assert x1 == x2 or y1 == y2, f"a slope from {(x1, y1)} to {(x2, y2)}"
    # The dots (and the table beside the chart) are the days the dose was read, not corners.
    assert len(dose.dots) == len(dose.rows)
