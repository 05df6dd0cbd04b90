"""My medicines drawn in Python writes what Django's own formatting and templates write."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone, translation
from django.utils.formats import date_format
from hypothesis import given
from hypothesis import strategies as st

from taperwell.checkins.models import TaperReasons
from taperwell.core.day_format import day_format
from taperwell.medications.models import NaloxonePlan
from taperwell.patients.models import Patient
from taperwell.tapering.models import PauseRequest
from taperwell.tapering.services import local_today

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


REFERENCE = Path(__file__).parent / "data" / "medicines_content.html"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _content_both_ways(client, patient) -> tuple[str, str]:
    """My medicines' content as the page drew it in Python, and as the template it replaced
    draws it from the same context (the CSRF tokens, masked afresh each time, left out)."""
    client.force_login(patient.user)
    response = client.get("/my-medicines/")
    assert response.status_code == 200
    context = next(c for c in response.context if "content" in c).flatten()
    reference = engines["django"].from_string(REFERENCE.read_text())
    # As the page did: in the patient's language and their clinic's time zone.
    with (
        translation.override(patient.preferred_language),
        timezone.override(zoneinfo.ZoneInfo(patient.clinic.time_zone)),
    ):
        drawn = reference.render(context, request=response.wsgi_request)
    ours = str(context["content"])
    assert ours in response.content.decode()
    return CSRF.sub("csrf", ours), CSRF.sub("csrf", drawn)


@pytest.mark.parametrize("language", ["en", "es"])
def test_my_medicines_drawn_in_python_is_the_template_it_replaced_for_every_demo_patient(
    db, demo, client, language
):
    patients = list(
        Patient.objects.filter(user__isnull=False).select_related("user", "clinic").order_by("pk")
    )
    # The demo clinic has a paused plan, one in maintenance, three without a plan, a treatment
    # decision, medicines the plan replaced, reasons and naloxone cards among them.
    assert len(patients) >= 6
    for patient in patients:
        Patient.objects.filter(pk=patient.pk).update(preferred_language=language)
        patient.preferred_language = language
        ours, drawn = _content_both_ways(client, patient)
        assert ours == drawn, patient


NALOXONE_PLANS = [
    {"has_naloxone": None},
    {"has_naloxone": False},
    {"has_naloxone": True, "kept_where": "Kitchen <drawer> & shelf", "someone_knows": True},
    {"has_naloxone": True, "expires_on": -3, "someone_knows": False},
    {"has_naloxone": True, "expires_on": 10, "kept_where": "bag"},
    {"has_naloxone": True, "expires_on": 400},
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("naloxone", NALOXONE_PLANS)
def test_my_medicines_drawn_in_python_is_the_template_with_each_naloxone_plan_and_a_pause_request(
    db, demo, client, language, naloxone
):
    patient = Patient.objects.select_related("user", "clinic").get(user__email="maria@example.org")
    Patient.objects.filter(pk=patient.pk).update(preferred_language=language)
    patient.preferred_language = language
    fields = dict(naloxone)
    if "expires_on" in fields:
        fields["expires_on"] = local_today(patient.clinic) + timedelta(days=fields["expires_on"])
    NaloxonePlan.objects.update_or_create(patient=patient, defaults=fields)
    TaperReasons.objects.update_or_create(
        patient=patient, defaults={"reasons": "To think clearly.\nAnd <play> with my grandson."}
    )
    ours, drawn = _content_both_ways(client, patient)
    assert ours == drawn
    assert "Kitchen &lt;drawer&gt; &amp; shelf" in ours or "Kitchen" not in str(naloxone)
    assert "To think clearly.<br>And &lt;play&gt; with my grandson." in ours

    PauseRequest.objects.create(patient=patient, reason="Too hard this week")
    ours, drawn = _content_both_ways(client, patient)
    assert ours == drawn
    assert 'id="pause-request-h"' in ours


def test_my_medicines_forms_share_one_token_for_the_request_and_it_is_accepted(db, demo):
    from django.test import Client

    patient = Patient.objects.select_related("user").get(user__email="maria@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    page = client.get("/my-medicines/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    # The layout's sign-out form, the dose cards, the pause request and the reasons.
    assert len(tokens) >= 4
    assert len(set(tokens)) == 1

    refused = client.post("/my-medicines/reasons/", {"csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403
    saved = client.post(
        "/my-medicines/reasons/",
        {"csrfmiddlewaretoken": tokens[0], "reasons": "To play with my grandson."},
    )
    assert saved.status_code == 302

    again = client.get("/my-medicines/").content.decode()
    assert re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', again)[0] != tokens[0]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("tapering", [True, False])
@given(text=st.text(max_size=40))
def test_a_text_box_drawn_from_its_kept_pieces_is_what_django_draws(language, tapering, text):
    from taperwell.checkins.forms import PauseRequestForm, ReasonsForm
    from taperwell.checkins.medicines_html import _field

    with translation.override(language):
        reasons = ReasonsForm(initial={"reasons": text}, tapering=tapering)
        assert _field(reasons, "reasons") == str(reasons["reasons"].as_field_group())
        pause = PauseRequestForm(initial={"reason": text})
        assert _field(pause, "reason") == str(pause["reason"].as_field_group())


def test_a_sent_text_box_with_its_error_is_drawn_by_django():
    from taperwell.checkins.forms import ReasonsForm
    from taperwell.checkins.medicines_html import _field

    sent = ReasonsForm({"reasons": ""})
    assert not sent.is_valid()
    drawn = _field(sent, "reasons")
    assert drawn == str(sent["reasons"].as_field_group())
    assert "Please write a few words" in drawn
