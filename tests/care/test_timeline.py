"""The timeline reads at a glance: the dose is a step line with the pre-taper baseline, every chart
has a y axis with its unit on one shared time axis, and flags are distinct markers whose reason
shows on hover or keyboard focus."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from taperwell.care.models import Flag, FlagSource
from taperwell.charts import step_line
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db


def _points(svg: str, chart: str) -> list[tuple[float, float]]:
    block = svg[svg.index(f'data-chart="{chart}"') :]
    line = re.search(r'<polyline points="([^"]+)"', block[: block.index("</svg>")])
    assert line, f"no line in the {chart} chart"
    return [tuple(map(float, p.split(","))) for p in line.group(1).split()]


def test_a_held_value_is_drawn_as_steps_not_slopes():
    d = date(2026, 1, 1)
    points = [(d, 90.0), (d + timedelta(days=28), 81.0), (d + timedelta(days=56), 72.0)]

    drawn = step_line(points, d + timedelta(days=60))

    assert drawn == [
        (d, 90.0),
        (d + timedelta(days=28), 90.0),
        (d + timedelta(days=28), 81.0),
        (d + timedelta(days=56), 81.0),
        (d + timedelta(days=56), 72.0),
        (d + timedelta(days=60), 72.0),
    ]


def test_the_timeline_draws_the_dose_as_steps_with_the_baseline_axes_and_flag_reasons(
    client, clinician, patient
):
    today = local_today(patient.clinic)
    start = today - timedelta(days=80)
    oxycodone_er(patient, clinician)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    plan_approve(plan=plan, by=clinician, agreement="10% a month", today=start)
    Flag.objects.create(
        patient=patient,
        rule="withdrawal-after-step",
        severity="urgent",
        reason="Withdrawal 9 of 10 three days after a step.",
        action="call",
        day=today - timedelta(days=3),
        source=FlagSource.BUMP_RULES,
    )
    client.force_login(clinician)

    html = client.get(reverse("care:timeline", args=[patient.public_id])).content.decode()

    points = _points(html, "mme")
    assert len(points) >= 4  # at least two steps in 80 days
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        assert x1 == x2 or y1 == y2, "the dose line has a slope"
    assert 'class="baseline"' in html
    assert "Pre-taper baseline" in html
    assert html.count('class="axis-title"') == 9
    assert ">MME/day</text>" in html
    assert html.count('class="tick y-tick"') == 27
    marker = re.search(r'<g class="flag-mark sev-urgent" tabindex="0"[^>]*><title>([^<]+)', html)
    assert marker, "no focusable urgent flag marker"
    assert "Withdrawal 9 of 10 three days after a step." in marker.group(1)
    steps_per_chart = html.count('class="step-line"') // 10
    assert steps_per_chart >= 2
    assert html.count('class="step-line"') == steps_per_chart * 10  # through every chart


def test_the_timeline_draws_each_answer_from_its_own_column_and_breaks_at_a_missing_day(patient):
    from taperwell.care.timeline import build
    from taperwell.checkins.models import CheckIn

    today = local_today(patient.clinic)
    CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            day=today - timedelta(days=n),
            pain=8,
            sleep=5,
            mood=3,
            withdrawal=1,
            craving=2,
        )
        for n in (0, 1, 2, 4, 5)  # nothing three days ago
    )

    charts = {c["series"].title: c for c in build(patient, today=today)["charts"]}

    assert {v for *_, v in charts["Pain (0-10)"]["dots"]} == {"8"}
    assert {v for *_, v in charts["Mood (0-10, 10 best)"]["dots"]} == {"3"}
    assert {v for *_, v in charts["Sleep (0-10, 10 best)"]["dots"]} == {"5"}
    assert len(charts["Pain (0-10)"]["lines"]) == 2  # the missing day leaves a gap
