"""The ladder for the patient's POST-only actions: works; anonymous → sign-in; someone else's
entry → 404; wrong role → 403; GET → 405."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taperwell.checkins.models import CheckIn
from taperwell.checkins.selectors import clinic_today
from taperwell.goals.services import activity_create, goal_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def things(patient):
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
    return {"goal": goal.public_id, "step": step.public_id, "checkin": checkin.public_id}


ACTIONS = [
    ("/checkin/{checkin}/entered-in-error/", {"reason": "Wrong day", "confirm": "on"}),
    ("/my-medicines/pause/", {"reason": ""}),
    ("/my-medicines/reasons/", {"reasons": "Clear head"}),
    ("/goals/{goal}/steps/", {"title": "Stand up slowly", "times_per_week": "2"}),
    ("/goals/steps/{step}/done/", {}),
    ("/goals/{goal}/reached/", {}),
]


@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_the_patient_can_do_it(client, patient, things, url, data):
    client.force_login(patient.user)
    assert client.post(url.format(**things), data).status_code == 302


@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, things, url, data):
    response = client.post(url.format(**things), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_a_clinician_is_refused(client, clinician, things, url, data):
    client.force_login(clinician)
    assert client.post(url.format(**things), data).status_code == 403


@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_get_is_refused(client, patient, things, url, data):
    client.force_login(patient.user)
    assert client.get(url.format(**things)).status_code == 405


@pytest.mark.parametrize("url", [u for u, _ in ACTIONS if "{" in u], ids=lambda u: u.split("/")[1])
def test_another_patient_gets_not_found(client, stranger_patient, things, url):
    client.force_login(stranger_patient.user)
    assert client.post(url.format(**things), {}).status_code == 404
