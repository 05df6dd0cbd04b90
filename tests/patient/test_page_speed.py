"""The patient's everyday pages stay cheap: bounded queries on demo-like data, the cached
template loader everywhere, and choice widgets drawn in Python exactly as Django draws them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from taperwell.checkins.models import CheckIn
from taperwell.core import widgets
from taperwell.demo.services import demo_load
from taperwell.medications.models import PatientMedication
from taperwell.patients.models import Patient
from taperwell.tapering.selectors import current_plan
from taperwell.tapering.services import local_today
from tests.patient.test_checkin import answers

ROOT = Path(__file__).resolve().parents[2]

# Queries for one request by a signed-in patient whose session is already fresh: the session,
# the user, the membership with the clinic, the patient with their consent, the audit row, then
# the page's own reads (and, for the check-in, its write).
TODAY_QUERIES = 14  # 5 per request + 9 of the page's own (the small facts in one query)
CHECKIN_FORM_QUERIES = 7
CHECKIN_POST_QUERIES = 12
MY_MEDICINES_QUERIES = 13  # 11 + the day's doses marked taken + the treatment decision card
PROGRESS_QUERIES = 12


@pytest.fixture
def maria(db, client, django_capture_on_commit_callbacks):
    """Maria of the demo clinic, signed in: several medicines, an approved plan, 90 days of
    check-ins. One page is opened first, so the session is as fresh as in everyday use."""
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
    patient = Patient.objects.select_related("clinic").get(user__email="maria@example.org")
    client.force_login(patient.user)
    assert client.get("/crisis/").status_code == 200
    return patient


def test_maria_has_the_data_of_an_everyday_patient(maria):
    today = local_today(maria.clinic)
    assert PatientMedication.objects.filter(patient=maria, status="active").count() >= 2
    assert current_plan(maria) is not None
    days = CheckIn.objects.filter(patient=maria, day__gt=today - timedelta(days=30)).count()
    assert days >= 20


def test_the_today_page_reads_what_it_shows_in_a_bounded_number_of_queries(
    client, maria, django_assert_max_num_queries
):
    with django_assert_max_num_queries(TODAY_QUERIES):
        response = client.get("/today/")
    assert response.status_code == 200
    assert "Play on the floor with my grandson" in response.content.decode()


def test_the_check_in_form_opens_in_a_bounded_number_of_queries(
    client, maria, django_assert_max_num_queries
):
    with django_assert_max_num_queries(CHECKIN_FORM_QUERIES):
        response = client.get("/checkin/")
    assert response.status_code == 200
    assert 'name="pain"' in response.content.decode()


def test_saving_a_check_in_takes_a_bounded_number_of_queries(
    client, maria, django_assert_max_num_queries
):
    with django_assert_max_num_queries(CHECKIN_POST_QUERIES):
        response = client.post("/checkin/", answers())
    assert response.status_code == 302
    today = local_today(maria.clinic)
    assert CheckIn.objects.get(patient=maria, day=today, status="current").note == (
        "A slow morning."
    )


def test_my_medicines_reads_the_plan_and_medicines_once(
    client, maria, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MY_MEDICINES_QUERIES):
        response = client.get("/my-medicines/")
    assert response.status_code == 200


def test_progress_reads_the_check_ins_and_practice_once(
    client, maria, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PROGRESS_QUERIES):
        response = client.get("/progress/")
    page = response.content.decode()
    assert "<svg" in page
    assert "of the last 30 days" in page


@pytest.mark.parametrize("environment", ["demo", "test", "production"])
def test_templates_are_compiled_once_per_process_in_every_environment(environment, tmp_path):
    env = {
        **os.environ,
        "TAPERWELL_ENV": environment,
        "TAPERWELL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "taperwell.settings",
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": "",
    }
    code = (
        "import django; django.setup(); from django.template import engines; "
        "print(*(type(l).__module__ for l in engines['django'].engine.template_loaders))"
    )
    run = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["django.template.loaders.cached"]


# Values on a rounding edge, where half-up and half-even (or binary floats) part ways.
HALVES = [0.05, 0.25, 12.25, 12.35, 2.675, 34.45, 99.95, -0.04, -0.05, -3.25, -0.0]

CHOICES = [("yes", "Yes"), ("no", "No <b>"), ("Later", [("soon", "Soon"), ("never", "Never")])]


@pytest.mark.parametrize(
    ("ours", "djangos"),
    [
        (widgets.RadioSelect, forms.RadioSelect),
        (widgets.CheckboxSelectMultiple, forms.CheckboxSelectMultiple),
    ],
)
@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        (None, {"id": "id_answer"}),
        ("no", {"id": "id_answer", "class": "big", "required": True}),
        (["yes", "soon"], {"id": "id_answer", "disabled": False}),
        ("never", None),
    ],
)
def test_choice_widgets_drawn_in_python_write_the_same_markup_as_djangos(
    ours, djangos, value, attrs
):
    expected = djangos(choices=CHOICES).render("answer", value, attrs=attrs)
    assert ours(choices=CHOICES).render("answer", value, attrs=attrs) == expected


def test_the_check_in_scale_is_drawn_with_its_ends_and_the_chosen_number():
    from taperwell.checkins.forms import SCALE_CHOICES, ScaleWidget

    scale = ScaleWidget("0: none", "10: <worst>", choices=SCALE_CHOICES)
    html = scale.render("pain", 3, attrs={"id": "id_pain"})
    assert html.startswith('<div class="scale" id="id_pain">')
    assert html.count('type="radio"') == 11
    assert 'value="3" id="id_pain_3" checked>' in html
    assert html.endswith(
        '<p class="scale-ends"><span>0: none</span><span>10: &lt;worst&gt;</span></p>'
    )


# Coordinates on a chart: 0 or at least a millionth (the filter writes 1e-212 as it came).
COORDINATES = st.floats(min_value=-1000, max_value=1000).filter(lambda v: v == 0 or abs(v) > 1e-6)


@given(COORDINATES | st.sampled_from(HALVES))
def test_chart_coordinates_are_written_as_the_template_filter_would_write_them(value):
    from django.template.defaultfilters import floatformat

    from taperwell.checkins.charts import _one

    assert _one(value) == str(floatformat(value, "1u"))


def test_the_benchmark_baselines_are_not_served_by_the_site(client, maria):
    assert client.get("/bench/signed-in").status_code == 404
    assert client.get("/bench/bare").status_code == 404
