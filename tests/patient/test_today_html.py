"""Today drawn in Python writes what the template it replaced writes, byte for byte."""

from __future__ import annotations

import copy
import re
import zoneinfo
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import engines
from django.test import Client
from django.utils import timezone, translation

from taperwell.goals.models import Activity
from taperwell.goals.selectors import Milestone
from taperwell.notifications.selectors import PlanNotice
from taperwell.patients.models import Patient
from taperwell.skills.practices import load_practices
from taperwell.skills.selectors import Suggestion
from taperwell.tapering.models import PauseRequest
from taperwell.today.selectors import TodayGoal
from taperwell.today.today_html import today_html

REFERENCE = Path(__file__).parent / "data" / "today_content.html"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client, patient) -> tuple[dict, object]:
    """Today's context as the view gave it to the page, and the request it answered."""
    client.force_login(patient.user)
    response = client.get("/today/")
    assert response.status_code == 200
    context = next(c for c in response.context if "content" in c).flatten()
    assert str(context["content"]) in response.content.decode()
    return context, response.wsgi_request


def _both_ways(patient, context, request) -> tuple[str, str]:
    """The content drawn in Python and by the old template from the same context, in the
    patient's language and their clinic's time zone (CSRF tokens, masked afresh, left out)."""
    reference = engines["django"].from_string(REFERENCE.read_text())
    with (
        translation.override(patient.preferred_language),
        timezone.override(zoneinfo.ZoneInfo(patient.clinic.time_zone)),
    ):
        drawn = reference.render(context, request=request)
        ours = str(today_html(context, request))
    return CSRF.sub("csrf", ours), CSRF.sub("csrf", drawn)


def _demo_patients():
    return list(
        Patient.objects.filter(user__isnull=False).select_related("user", "clinic").order_by("pk")
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_today_drawn_in_python_is_the_template_it_replaced_for_every_demo_patient(
    db, demo, client, language
):
    patients = _demo_patients()
    # Maria, Rosa, James, Linda, Robert, Dorothy, Samuel and George: plans, no plan, a paused
    # plan, maintenance, goals with steps, sessions, messages and care teams among them.
    assert len(patients) >= 8
    for patient in patients:
        Patient.objects.filter(pk=patient.pk).update(preferred_language=language)
        patient.preferred_language = language
        context, request = _page(client, patient)
        ours, drawn = _both_ways(patient, context, request)
        assert ours == drawn, patient
        # The page itself shows what the Python wrote.
        assert CSRF.sub("csrf", str(context["content"])) == ours


def _activity(title, *, done_this_week, target, done_today):
    activity = Activity(title=title, times_per_week=target)
    activity.done_this_week = done_this_week
    activity.done_today = done_today
    return activity


def _variants(context, patient):
    """The states the demo clinic may not show, each a change of the view's own context."""
    practice = load_practices()[0]
    maintenance = copy.copy(patient)
    maintenance.status = "maintenance"
    no_plan = {"plan": None, "steps": None, "record": context["record"]}
    yield "plan notice", {"plan_notice": PlanNotice("A new <plan>", "Lower & slower", False)}
    yield "plan increase", {"plan_notice": PlanNotice("More", "A higher dose", True)}
    yield (
        "maintenance, next check-in",
        {
            "patient": maintenance,
            "checkin": None,
            "next_checkin": context["day"] + timedelta(days=3),
            "checkin_every": 7,
        },
    )
    yield "no check-in yet", {"checkin": None, "next_checkin": None}
    yield "one questionnaire due", {"due": ["phq2"]}
    yield "two questionnaires due", {"due": ["phq2", "gad2"]}
    yield "one unread", {"unread": 1}
    yield "two unread", {"unread": 2}
    session = {
        "url": "/meetings/x/?a=1&b=2",
        "title": "Pain & <sleep>",
        "starts_local": timezone.now() + timedelta(days=2),
        "going": True,
    }
    yield "a session, going", {"session": session}
    yield "a session, not going", {"session": {**session, "going": False}}
    yield "no session", {"session": None}
    yield (
        "a practice for a need",
        {"practice": Suggestion(practice=practice, need="craving", reason="A <wave> passes.")},
    )
    yield (
        "the practice of the day",
        {"practice": Suggestion(practice=practice, need=None, reason="")},
    )
    yield "a milestone", {"milestone": Milestone("quarter", "A quarter lower & steady.")}
    steps = [
        _activity("Walk <far>", done_this_week=1, target=3, done_today=True),
        _activity('Sit "still"', done_this_week=0, target=2, done_today=False),
        _activity("Cook", done_this_week=2, target=2, done_today=False),
    ]
    yield "steps done and not", {"goal": TodayGoal("Play & rest", steps)}
    yield "a goal without steps", {"goal": TodayGoal("Garden", [])}
    yield "no goal", {"goal": None}
    yield "no care team", {"care_team": []}
    yield "paused", {"steps": {**(context["steps"] or {}), "paused": True}}
    medicines = [
        SimpleNamespace(label="Tramadol <50 mg>", directions="Twice a day & at night"),
        SimpleNamespace(label="Ibuprofen", directions=""),
    ]
    yield "medicines without a plan", {**no_plan, "record": None, "medications": medicines}
    yield "no medicines without a plan", {**no_plan, "record": None, "medications": []}
    for wants in (True, False):
        chooser = copy.copy(patient)
        chooser.status = "active"
        chooser.wants_to_taper = wants
        yield f"no plan, wants to taper {wants}", {**no_plan, "patient": chooser}


@pytest.mark.parametrize("language", ["en", "es"])
def test_today_drawn_in_python_is_the_template_in_every_state_of_the_page(
    db, demo, client, language
):
    patient = Patient.objects.select_related("user", "clinic").get(user__email="maria@example.org")
    Patient.objects.filter(pk=patient.pk).update(preferred_language=language)
    patient.preferred_language = language
    context, request = _page(client, patient)
    for name, change in _variants(context, patient):
        ours, drawn = _both_ways(patient, {**context, **change}, request)
        assert ours == drawn, name


def test_today_drawn_in_python_is_the_template_with_a_pause_request(db, demo, client):
    patient = Patient.objects.select_related("user", "clinic").get(user__email="maria@example.org")
    PauseRequest.objects.create(patient=patient, reason="Too hard this week")
    context, request = _page(client, patient)
    assert context["pause_request"]
    ours, drawn = _both_ways(patient, context, request)
    assert ours == drawn
    assert 'id="pause-request-h"' in ours


def test_every_value_on_today_is_escaped(db, demo, client):
    patient = Patient.objects.select_related("user", "clinic").get(user__email="maria@example.org")
    context, request = _page(client, patient)
    changed = {
        **context,
        "plan_notice": PlanNotice("<b>new</b>", "x", False),
        "goal": TodayGoal(
            "<i>goal</i>",
            [_activity('"step"', done_this_week=0, target=1, done_today=False)],
        ),
        "care_team": [{"name": "<Ann>", "role": "Nurse & coach"}],
    }
    ours, _ = _both_ways(patient, changed, request)
    assert "&lt;b&gt;new&lt;/b&gt;" in ours
    assert "<strong>&lt;i&gt;goal&lt;/i&gt;</strong>" in ours
    assert 'aria-label="I did this today: &quot;step&quot;"' in ours
    assert "&lt;Ann&gt; — Nurse &amp; coach" in ours
    assert "<b>" not in ours


def test_todays_forms_share_one_token_for_the_request_and_it_is_accepted(db, demo):
    patient = Patient.objects.select_related("user").get(user__email="maria@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    # The layout's sign-out form, the dose cards and the week's steps.
    assert len(tokens) >= 3
    assert len(set(tokens)) == 1
    step = re.search(r'<form method="post" action="(/goals/steps/[^"]+/done/)">', page)
    assert step is not None

    refused = client.post(step[1], {"csrfmiddlewaretoken": "x" * 64, "next": "today"})
    assert refused.status_code == 403
    done = client.post(step[1], {"csrfmiddlewaretoken": tokens[0], "next": "today"})
    assert done.status_code == 302

    again = client.get("/today/").content.decode()
    assert re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', again)[0] != tokens[0]


def test_today_reads_the_plans_doses_and_dates_without_wording_its_steps(db, demo, client):
    """Today shows no step's words: it does not word the plan's steps in the reader's language
    (a cost of every step, on every visit), and what it shows from the steps (the next change,
    the milestone) is what the worded steps give."""
    from taperwell.checkins.care_links import plan_step_doses, plan_steps
    from taperwell.clinics.selectors import clinic_today
    from taperwell.goals.selectors import dose_milestone
    from taperwell.medications.dose_cards import next_change
    from taperwell.medications.selectors import dose_of_record

    compared = 0
    for patient in _demo_patients():
        context, _ = _page(client, patient)
        plan = context["plan"]
        if plan is None:
            continue
        page_steps = context["steps"]
        assert all("text" not in step for step in page_steps["steps"])
        assert page_steps["current"] is None or "text" not in page_steps["current"]
        day = clinic_today(patient.clinic)
        record = dose_of_record(patient, on=day)
        with translation.override(patient.preferred_language):
            worded = plan_steps(plan, today=day)
            assert next_change(record, page_steps) == next_change(record, worded)
            assert dose_milestone(plan, page_steps) == dose_milestone(plan, worded)
            assert plan_step_doses(plan, today=day) == page_steps
        compared += patient.preferred_language == "es"
    assert compared  # Rosa, who reads Spanish, has a plan
