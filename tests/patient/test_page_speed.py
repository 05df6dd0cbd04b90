"""The patient's everyday pages stay cheap: bounded queries on demo-like data, the cached
template loader everywhere, and choice widgets drawn in Python exactly as Django draws them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from taperwell.audit.models import AuditEvent
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
# the user with their membership, clinic and own patient record with its consent (one query),
# the audit row, then the page's own reads (and, for the check-in, its write).
SIGNED_IN_QUERIES = 3
TODAY_QUERIES = 7  # 3 per request + 4 of the page's own (the facts and the goal's week in one)
CHECKIN_FORM_QUERIES = 5
CHECKIN_POST_QUERIES = 8  # in a test, the one transaction is a savepoint: +2
MY_MEDICINES_QUERIES = 7  # the open pause request and the treatment decision with the rows
PROGRESS_QUERIES = 9  # the questionnaires read once for their charts and the mood line


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


def test_a_patient_page_costs_the_session_the_person_and_the_audit_row(
    client, maria, django_assert_num_queries
):
    """The patient's own crisis screen reads nothing of its own: what is left is what every
    signed-in patient page pays (its role and consent still checked, its read still audited)."""
    views = AuditEvent.objects.filter(patient=maria, what="crisis screen").count()
    with django_assert_num_queries(SIGNED_IN_QUERIES):
        response = client.get("/help-now/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(patient=maria, what="crisis screen").count() == views + 1


# The crisis screen of Maria's signed-in session as the base layout drew it before the layout
# was made cheaper (its per-request tokens replaced): the crisis bar, the tab bar and "More",
# the account links and the footer must stay byte for byte the same (since the navigation's
# items are drawn in Python, one per line, the file holds that whitespace).
BASE_LAYOUT_PAGE = ROOT / "tests" / "patient" / "data" / "base_layout_crisis_screen.html"


def _without_tokens(html: str) -> str:
    """The page without what changes on every request or every demo: the form tokens and the
    person's public id (made afresh with the demo clinic)."""
    html = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1TOKEN", html)
    return re.sub(r'(name="taperwell-owner" content=")[^"]+', r"\1OWNER", html)


def test_the_base_layout_of_a_patient_page_is_unchanged_byte_for_byte(client, maria):
    page = _without_tokens(client.get("/help-now/").content.decode())
    assert page == BASE_LAYOUT_PAGE.read_text()
    assert 'class="crisis-bar"' in page
    assert 'class="tab-bar"' in page


def test_a_patient_without_consent_is_still_sent_to_give_it(client, maria):
    from taperwell.enrolment.models import Consent

    Consent.objects.filter(patient=maria).delete()
    response = client.get("/help-now/")
    assert response.status_code == 302
    assert response["Location"] == "/enrol/welcome/"


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


@pytest.mark.parametrize("value", [None, "", "A slow morning.", "<b>5 & 6</b>\nline two"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_note", "rows": 3, "required": True, "disabled": False}]
)
def test_a_text_area_drawn_in_python_writes_the_same_markup_as_djangos(value, attrs):
    expected = forms.Textarea(attrs={"rows": 4}).render("note", value, attrs=attrs)
    assert widgets.Textarea(attrs={"rows": 4}).render("note", value, attrs=attrs) == expected


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


# The chart's marks as the template drew them, loop by loop, before they were written in Python.
CHART_LOOPS = """
{% for y, label in chart.y_tick_marks %}
<line x1="{{ chart.plot_left }}" x2="{{ chart.plot_right }}" y1="{{ y }}" y2="{{ y }}" class="grid"/>
<text x="{{ chart.plot_left|add:-4 }}" y="{{ y }}" class="tick" text-anchor="end" dominant-baseline="middle">{{ label }}</text>
{% endfor %}
{% for x, label in chart.marker_marks %}<line x1="{{ x }}" x2="{{ x }}" y1="12" y2="{{ chart.baseline_y }}" class="marker"><title>Dose changed {{ label }}</title></line>{% endfor %}
{% if chart.bars %}
  {% with width=chart.bar_width_mark %}{% for x, y, h in chart.bar_marks %}<rect x="{{ x }}" y="{{ y }}" width="{{ width }}" height="{{ h }}" class="bar"/>{% endfor %}{% endwith %}
{% else %}
  {% for points in chart.polylines %}<polyline points="{{ points }}" class="line"/>{% endfor %}
  {% for x, y in chart.dot_marks %}<circle cx="{{ x }}" cy="{{ y }}" r="3.5" class="dot"/>{% endfor %}
{% endif %}
{% for x, label in chart.x_tick_marks %}<text x="{{ x }}" y="{{ chart.height|add:-8 }}" class="tick" text-anchor="{% if forloop.first %}start{% elif forloop.last %}end{% else %}middle{% endif %}">{{ label }}</text>{% endfor %}
|{% for period, value in chart.rows %}<tr><td>{{ period }}</td><td>{{ value }}</td></tr>{% endfor %}
"""  # noqa: E501


def _between_tags(html: str) -> str:
    import re

    return re.sub(r">\s+([<|])", r">\1", html).strip()


@pytest.mark.parametrize("bars", [False, True])
def test_chart_marks_written_in_python_are_the_markup_the_template_loops_wrote(bars):
    from datetime import date

    from django.template import Context, Template

    from taperwell.checkins.charts import Chart, draw

    start = date(2026, 9, 1)
    # Every third day, with a gap of two weeks: the line is drawn in two runs.
    series = [
        (start + timedelta(days=d), (d * 7 % 11) + 0.25) for d in range(0, 84, 3) if not 30 < d < 45
    ]
    chart = Chart(
        key="pain",
        title="Pain",
        summary="",
        value_label="Pain",
        rows=[("Sep 1 <b>", "5 & 6"), ("Sep 8", "4.5")],
        y_max=10,
        bars=bars,
    )
    draw(
        chart,
        series,
        start=start,
        end=start + timedelta(days=83),
        markers=[date(2026, 10, 3)],
        every=7,
    )
    assert bars or len(chart.polylines) == 2
    expected = Template(CHART_LOOPS).render(Context({"chart": chart}))
    assert "&lt;b&gt;" in expected
    assert _between_tags(f"{chart.svg_marks}|{chart.table_rows}") == _between_tags(expected)


def _patient_forms(renderer, *, bound):
    from datetime import date

    from taperwell.checkins.forms import (
        CheckInForm,
        NaloxonePlanForm,
        PauseRequestForm,
        QuestionnaireForm,
        ReasonsForm,
    )
    from taperwell.clinical.instruments import get_instrument

    data = {"pain": "3", "note": "<b>a note</b>", "self_harm": "maybe"} if bound else None
    key = {"idempotency_key": "6f1c1b9e-3d0c-4a52-9a51-6a8e0f7b2c11"}
    return [
        CheckInForm(data, initial=key, activities=[], renderer=renderer),
        ReasonsForm(data, tapering=False, renderer=renderer),
        PauseRequestForm(data, renderer=renderer),
        NaloxonePlanForm(data, today=date(2026, 12, 7), renderer=renderer),
        QuestionnaireForm(data, initial=key, instrument=get_instrument("phq9"), renderer=renderer),
    ]


@pytest.mark.parametrize("bound", [False, True])
def test_field_blocks_drawn_in_python_write_the_same_markup_as_the_field_templates(bound):
    from taperwell.core.forms import FieldBlockRenderer, FieldTemplatesRenderer

    drawn = _patient_forms(FieldBlockRenderer(), bound=bound)
    templated = _patient_forms(FieldTemplatesRenderer(), bound=bound)
    fieldsets = errors = 0
    for ours, theirs in zip(drawn, templated, strict=True):
        for name in ours.fields:
            html = str(ours[name].as_field_group())
            assert html == str(theirs[name].as_field_group()), name
            fieldsets += "<fieldset" in html
            errors += "errorlist" in html
    assert fieldsets > 5
    assert (errors > 5) is bound


class _Markup:
    def __html__(self) -> str:
        return "<i>already markup</i>"


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "<b>5 & 6</b> \"quoted\" 'single'",
        "",
        7,
        None,
        "dose & <script>",
        _Markup(),
    ],
)
def test_the_quick_escape_writes_what_conditional_escape_writes(value):
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from taperwell.core.markup import escape

    assert escape(value) == conditional_escape(value)
    assert escape(mark_safe(f"<em>{value}</em>")) == f"<em>{value}</em>"  # noqa: S308
    lazy = gettext_lazy("Please choose an answer.")
    assert escape(lazy) == conditional_escape(lazy)


@given(st.text())
def test_the_quick_escape_escapes_any_text_as_django_does(text):
    from django.utils.html import conditional_escape

    from taperwell.core.markup import escape

    assert escape(text) == conditional_escape(text)


@pytest.mark.parametrize(
    ("ours", "djangos"),
    [
        (widgets.TextInput, forms.TextInput),
        (widgets.NumberInput, forms.NumberInput),
        (widgets.HiddenInput, forms.HiddenInput),
    ],
)
@pytest.mark.parametrize("value", [None, "", 0, 3, "A walk & a <call>", "6f1c1b9e-3d0c"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_prn", "required": True, "disabled": False, "min": 0}]
)
def test_inputs_drawn_in_python_write_the_same_markup_as_djangos(ours, djangos, value, attrs):
    expected = djangos(attrs={"inputmode": "numeric"}).render("prn", value, attrs=attrs)
    drawn = ours(attrs={"inputmode": "numeric"}).render("prn", value, attrs=attrs)
    assert drawn == expected


def test_check_in_forms_share_their_fixed_choices_and_never_each_others_changes():
    from taperwell.checkins.forms import SCALE_CHOICES, CheckInForm

    first, second = CheckInForm(activities=[]), CheckInForm(activities=[])
    assert first.fields["pain"] is not second.fields["pain"]
    assert first.fields["pain"].widget is not second.fields["pain"].widget
    first.fields["pain"].widget.attrs["class"] = "big"
    assert "class" not in second.fields["pain"].widget.attrs
    assert first.fields["pain"].error_messages is not second.fields["pain"].error_messages
    first.fields["pain"].choices = [(1, "1")]
    first.fields["self_harm"].choices = [("yes", "Yes")]
    assert second.fields["pain"].choices == SCALE_CHOICES
    assert second.fields["pain"].widget.choices == SCALE_CHOICES
    assert [value for value, _label in second.fields["self_harm"].choices] == [
        "yes",
        "no",
        "skip",
    ]
    assert CheckInForm.base_fields["pain"].choices == SCALE_CHOICES


def _scale_as_django_lays_it_out(scale, name, value, attrs):
    """The scale's markup from Django's own RadioSelect context: its options, ids and choice."""
    from django.utils.html import escape

    widget = scale.get_context(name, value, attrs)["widget"]
    required = " required" if widget["required"] else ""
    buttons = "".join(
        f'\n  <label class="scale-option" for="{escape(o["attrs"]["id"])}"><input type="radio" '
        f'name="{escape(o["name"])}" value="{escape(o["value"])}" id="{escape(o["attrs"]["id"])}"'
        f"{' checked' if o['selected'] else ''}{required}><span>{escape(o['label'])}</span></label>"
        for _group, options, _index in widget["optgroups"]
        for o in options
    )
    return (
        f'<div class="scale" id="{escape(widget["attrs"]["id"])}">{buttons}\n</div>\n'
        f'<p class="scale-ends"><span>{escape(scale.low)}</span>'
        f"<span>{escape(scale.high)}</span></p>"
    )


@pytest.mark.parametrize("value", [None, "", 0, "0", 3, "3", 10, "11", "x", [4], ["4", "5"]])
@pytest.mark.parametrize("required", [True, False])
@pytest.mark.parametrize("name", ["pain", "mood"])
def test_the_check_in_scale_writes_the_buttons_djangos_radio_context_describes(
    value, required, name
):
    from taperwell.checkins.forms import SCALE_CHOICES, ScaleWidget

    scale = ScaleWidget("0: none", "10: <worst>", choices=SCALE_CHOICES)
    scale.is_required = required
    attrs = {"id": f"id_{name}"}
    assert scale.render(name, value, attrs=attrs) == _scale_as_django_lays_it_out(
        scale, name, value, attrs
    )
