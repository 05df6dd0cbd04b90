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


def test_todays_check_in_is_read_with_the_facts_and_a_high_craving_offers_its_practice(
    client, patient
):
    from taperwell.checkins.models import CheckIn

    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert "Check in now" in page
    assert CRAVING not in page

    scales = {"pain": 2, "sleep": 6, "mood": 6, "withdrawal": 1, "craving": 10}
    CheckIn.objects.create(patient=patient, day=clinic_today(patient.clinic), **scales)
    page = client.get("/today/").content.decode()
    assert "Done for today. Thank you." in page
    assert "Something that may help now" in page
    assert CRAVING in page


def test_the_care_team_is_shown_by_role_with_the_roles_in_words(client, clinic, patient):
    from taperwell.patients.models import CareTeamMember
    from tests.factories import make_staff

    nurse = make_staff(clinic, email="jo@test.example", full_name="Jo Rivers")
    CareTeamMember.objects.create(patient=patient, member=nurse.membership, role="nurse")
    client.force_login(patient.user)
    page = client.get("/today/").content.decode()
    assert "<li>Jo Rivers — Nurse</li>" in page
    assert "<li>Dr. Test Clinician — Primary clinician</li>" in page
    assert page.index("Jo Rivers") < page.index("Dr. Test Clinician")


def test_the_questionnaires_due_follow_the_clinics_schedule(client, clinic, patient):
    from taperwell.checkins.models import QuestionnaireSchedule

    client.force_login(patient.user)
    # Without a plan, the defaults ask for the PEG, the PHQ-9 and the GAD-7.
    assert "3 short questionnaires are due" in client.get("/today/").content.decode()

    QuestionnaireSchedule.objects.create(
        clinic=clinic, instrument="phq9", every_days=28, active=False
    )
    QuestionnaireSchedule.objects.create(
        clinic=clinic, instrument="gad7", every_days=28, active=False
    )
    assert "1 short questionnaire is due" in client.get("/today/").content.decode()
