"""The ladder for the patient's POST-only actions: works; anonymous → sign-in; someone else's
entry → 404; wrong role → 403; GET → 405."""

from __future__ import annotations

import pytest

from taperwell.checkins.models import CheckIn
from taperwell.checkins.selectors import clinic_today
from taperwell.goals.services import activity_create, goal_create
from tests.ladder import (
    Ladder,
    Rung,
    check_anonymous_is_sent_to_sign_in,
    check_another_clinic_gets_not_found,
    check_it_works,
    check_wrong_method_is_refused,
    check_wrong_role_is_refused,
    rung_name,
    scoped,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder(patient, ladder_people):
    goal = goal_create(patient=patient, title="Walk to the park")
    step = activity_create(patient=patient, goal=goal, title="Walk to the corner", times_per_week=3)
    checkin = CheckIn.objects.create(
        patient=patient,
        day=clinic_today(patient.clinic),
        pain=1,
        sleep=1,
        mood=1,
        withdrawal=1,
        craving=1,
    )
    return Ladder(
        people=ladder_people,
        ids={"goal": goal.public_id, "step": step.public_id, "checkin": checkin.public_id},
    )


def _action(name: str, url: str, data: dict[str, str]) -> Rung:
    return Rung(name, url, "patient", "clinician", "post", data, wrong_method="get")


ACTIONS = [
    _action(
        "check-in in error",
        "/checkin/{checkin}/entered-in-error/",
        {"reason": "Wrong day", "confirm": "on"},
    ),
    _action("pause", "/my-medicines/pause/", {"reason": ""}),
    _action("reasons", "/my-medicines/reasons/", {"reasons": "Clear head"}),
    _action(
        "goal step", "/goals/{goal}/steps/", {"title": "Stand up slowly", "times_per_week": "2"}
    ),
    _action("step done", "/goals/steps/{step}/done/", {}),
    _action("goal reached", "/goals/{goal}/reached/", {}),
]


@pytest.mark.parametrize("rung", ACTIONS, ids=rung_name)
def test_the_patient_can_do_it(client, ladder, rung):
    check_it_works(client, ladder, rung)


@pytest.mark.parametrize("rung", ACTIONS, ids=rung_name)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, ladder, rung):
    check_anonymous_is_sent_to_sign_in(client, ladder, rung)


@pytest.mark.parametrize("rung", ACTIONS, ids=rung_name)
def test_a_clinician_is_refused(client, ladder, rung):
    check_wrong_role_is_refused(client, ladder, rung)


@pytest.mark.parametrize("rung", ACTIONS, ids=rung_name)
def test_get_is_refused(client, ladder, rung):
    check_wrong_method_is_refused(client, ladder, rung)


@pytest.mark.parametrize("rung", scoped(ACTIONS), ids=rung_name)
def test_another_patient_gets_not_found(client, ladder, stranger_patient, rung):
    check_another_clinic_gets_not_found(client, ladder, rung, stranger_patient.user)
