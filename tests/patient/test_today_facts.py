"""Today's small facts, read in one query of the patient's row: the open flag that calls for a
skill, and the goal Today encourages with this week's steps."""

from __future__ import annotations

import pytest

from taperwell.care.models import Flag
from taperwell.checkins.selectors import clinic_today
from taperwell.goals.models import Activity, ActivityDone, Goal

pytestmark = pytest.mark.django_db

CRAVING = "Cravings rise and fall like a wave. This practice helps you ride it out."


def _flag(patient, rule, **fields):
    return Flag.objects.create(
        patient=patient,
        rule=rule,
        severity="moderate",
        reason="Seen in the check-ins.",
        day=clinic_today(patient.clinic),
        source="bump-rules",
        **fields,
    )


def test_an_open_craving_flag_offers_the_practice_for_cravings_until_it_is_resolved(
    client, patient
):
    client.force_login(patient.user)
    flag = _flag(patient, "craving-high")
    page = client.get("/today/").content.decode()
    assert "Something that may help now" in page
    assert CRAVING in page

    flag.status = "resolved"
    flag.save()
    page = client.get("/today/").content.decode()
    assert "A practice for today" in page
    assert CRAVING not in page


def test_a_flag_that_calls_for_no_skill_leaves_the_practice_of_the_day(client, patient):
    client.force_login(patient.user)
    _flag(patient, "pause-request")
    page = client.get("/today/").content.decode()
    assert "A practice for today" in page
    assert "Something that may help now" not in page


def test_today_encourages_the_first_active_goal_with_this_weeks_steps_and_what_is_done(
    client, patient
):
    client.force_login(patient.user)
    first = Goal.objects.create(patient=patient, title="Walk to the river")
    Goal.objects.create(patient=patient, title="Cook for my sister")
    Goal.objects.create(patient=patient, title="An old goal", status="reached")
    walk = Activity.objects.create(
        patient=patient, goal=first, title="Walk to the corner", times_per_week=3
    )
    Activity.objects.create(patient=patient, goal=first, title="A step put aside", status="retired")
    ActivityDone.objects.create(patient=patient, activity=walk, day=clinic_today(patient.clinic))

    page = client.get("/today/").content.decode()
    assert "moves you toward: <strong>Walk to the river</strong>" in page
    assert "Walk to the corner" in page
    assert "1 of 3" in page
    assert "Done today" in page
    assert "A step put aside" not in page
    assert "Cook for my sister" not in page


def test_a_goal_without_steps_is_still_encouraged(client, patient):
    client.force_login(patient.user)
    Goal.objects.create(patient=patient, title="Play cards with friends")
    page = client.get("/today/").content.decode()
    assert "moves you toward: <strong>Play cards with friends</strong>" in page
    assert "Name it, and we'll break it into small steps." in page
