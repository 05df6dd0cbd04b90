"""The goals page's dose milestone ("a quarter lower") reads the plan's doses, not its words."""

from __future__ import annotations

from unittest import mock

from django.utils import translation

from taperwell.checkins import care_links
from taperwell.clinics.selectors import clinic_today
from taperwell.goals import selectors
from taperwell.patients.models import Patient


def test_the_goals_page_reads_the_plans_doses_unworded_and_reaches_the_same_milestones(
    db, demo, client
):
    """Wording every step again in a Spanish reader's language cost the page each step of the
    plan; the milestone needs only today's step's dose. For every demo patient the page's
    milestones are those the worded steps give, and the page asked for no worded steps."""
    patients = Patient.objects.filter(user__isnull=False).select_related("user", "clinic")
    compared = 0
    for patient in patients.order_by("pk"):
        client.force_login(patient.user)
        with mock.patch.object(care_links, "plan_steps", side_effect=AssertionError("worded")):
            response = client.get("/goals/")
        assert response.status_code == 200
        plan = care_links.current_plan(patient)
        day = clinic_today(patient.clinic)
        with translation.override(patient.preferred_language):
            worded = selectors.mme_drop_percent(plan, care_links.plan_steps(plan, today=day))
            bare = selectors.mme_drop_percent(plan, care_links.plan_step_doses(plan, today=day))
            assert bare == worded
        milestone_keys = [m.key for m in response.context["milestones"]]
        reached = worded is not None and worded >= selectors.QUARTER_LOWER_PERCENT
        assert (selectors.QUARTER_LOWER.key in milestone_keys) == reached
        compared += plan is not None and patient.preferred_language == "es"
    assert compared  # Rosa reads Spanish and has a plan
