"""Today and My medicines write their dose cards in Python: the very markup
`medications/_dose_cards.html` writes (the template the cards' htmx swaps still render), on
cards taken and not, a patch, as-needed doses up to the day's most with their undo, the plan's
next change, other medicines and the notices of an htmx swap, in English and Spanish."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from taperwell.medications.dose_cards import cards_context, line_key
from taperwell.medications.dose_cards_html import cards_html
from taperwell.medications.models import PatientMedication
from taperwell.medications.selectors import active_medications, dose_of_record
from taperwell.medications.services import doselog_record
from taperwell.patients.models import Patient
from taperwell.tapering.selectors import current_plan
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def _both(patient: Patient, *, htmx: bool = False) -> tuple[str, str]:
    """The cards of `patient`'s day drawn both ways, their form tokens blanked."""
    from taperwell.checkins.care_links import plan_steps

    today = local_today(patient.clinic)
    record = dose_of_record(patient, on=today)
    steps = plan_steps(current_plan(patient), today=today)
    doses = cards_context(
        patient,
        record=record,
        steps=steps,
        day=today,
        where="medicines",
        medications=active_medications(patient),
    )
    request = RequestFactory().get("/my-medicines/")
    request.user = patient.user
    request._messages = CookieStorage(request)
    request.htmx = htmx
    if htmx:
        messages.success(request, "Marked <taken> & saved.")
    python = str(cards_html(doses, request))
    template = render_to_string("medications/_dose_cards.html", {"doses": doses}, request=request)
    return TOKEN.sub(r"\1T", python), TOKEN.sub(r"\1T", template)


@pytest.fixture
def on_a_plan(patient, clinician):
    """Oxycodone ER twice a day on an approved plan (a next step to come), an as-needed
    oxycodone up to twice a day and gabapentin beside them."""
    today = local_today(patient.clinic)
    oxycodone_er(patient, clinician)
    PatientMedication.objects.create(
        patient=patient,
        drug="oxycodone",
        form="tablet",
        release="IR",
        strength=Decimal(5),
        unit="mg",
        as_needed=True,
        max_prn_per_day=2,
    )
    PatientMedication.objects.create(
        patient=patient,
        drug="gabapentin",
        form="capsule",
        strength=Decimal(300),
        unit="mg",
        directions="One at night <with food>",
    )
    plan = plan_draft(
        patient=patient, by=clinician, inputs=ten_percent_inputs(today - timedelta(days=3))
    )
    plan_approve(plan=plan, by=clinician, agreement="Ten percent.", today=today - timedelta(days=3))
    return patient


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_cards_in_python_are_the_templates_markup_as_the_day_goes_on(on_a_plan, language):
    patient = on_a_plan
    record = dose_of_record(patient, on=local_today(patient.clinic))
    prn = next(line for line in record.lines if line.as_needed)
    seen = []
    with translation.override(language):
        python, template = _both(patient)
        assert python == template
        seen.append(python)
        morning = min(t for t in re.findall(r'name="time" value="([0-9:]+)"', python))
        doselog_record(patient=patient, by=patient.user, key=uuid.uuid4(), time=morning)
        doselog_record(patient=patient, by=patient.user, key=uuid.uuid4(), line=line_key(prn))
        python, template = _both(patient)
        assert python == template
        seen.append(python)
        doselog_record(patient=patient, by=patient.user, key=uuid.uuid4(), line=line_key(prn))
        python, template = _both(patient, htmx=True)
        assert python == template
        seen.append(python)
    first, marked, most = seen
    assert "is-taken" not in first
    assert "is-taken" in marked
    assert "data-next-change" in first
    assert "dose-others-h" in first
    assert "&lt;with food&gt;" in first
    assert '-undo"' not in first
    assert '-undo"' in marked
    assert f'href="{reverse("messaging:inbox")}"' not in marked
    assert f'href="{reverse("messaging:inbox")}"' in most
    assert "Marked &lt;taken&gt; &amp; saved." in most


def test_a_patch_card_in_python_is_the_templates_markup_before_and_after_it_is_on(patient):
    PatientMedication.objects.create(
        patient=patient,
        drug="fentanyl",
        form="patch",
        release="ER",
        strength=Decimal(25),
        unit="mcg/h",
        times=["09:00"],
    )
    python, template = _both(patient)
    assert python == template
    assert "dose-svg patch" in python
    doselog_record(patient=patient, by=patient.user, key=uuid.uuid4(), time="09:00")
    python, template = _both(patient)
    assert python == template
    assert "is-taken" in python


def test_no_cards_in_python_is_the_templates_markup_too(patient):
    python, template = _both(patient)
    assert python == template
    assert "<article" not in python
