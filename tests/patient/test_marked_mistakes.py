"""Issue 18, point 8: marking an entry entered in error asks why and for a tick to confirm, for
the patient's check-ins, goal steps done and practices too (care notes and medicines already
did). One click never takes an entry off the count; the entry and its reason are kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taperwell.checkins.models import CheckIn, EntryStatus
from taperwell.checkins.selectors import clinic_today
from taperwell.goals.models import ActivityDone, DoneStatus
from taperwell.goals.services import activity_create, activity_mark_done, goal_create
from taperwell.skills.models import PracticeSession, SessionStatus
from taperwell.skills.practices import load_practices
from taperwell.skills.selectors import recent_sessions
from taperwell.skills.services import practice_session_log

pytestmark = pytest.mark.django_db

REASON = "I tapped the wrong day"


def _one_click_then_reason_then_confirmed(client, url, entry, *, current, marked):
    client.post(url)  # one click: no reason, no confirmation
    client.post(url, {"reason": REASON})  # a reason but no tick
    client.post(url, {"confirm": "on"})  # a tick but no reason
    entry.refresh_from_db()
    assert entry.status == current
    client.post(url, {"reason": REASON, "confirm": "on"})
    entry.refresh_from_db()
    assert entry.status == marked
    assert entry.error_reason == REASON


def test_marking_a_check_in_as_a_mistake_takes_a_reason_and_a_confirmation(client, patient):
    checkin = CheckIn.objects.create(
        patient=patient,
        day=clinic_today(patient.clinic),
        pain=4,
        sleep=5,
        mood=6,
        withdrawal=2,
        craving=1,
    )
    client.force_login(patient.user)
    page = client.get(reverse("checkins:history")).content.decode()
    assert 'name="reason"' in page
    assert 'name="confirm"' in page
    url = reverse("checkins:entered_in_error", args=[checkin.public_id])
    _one_click_then_reason_then_confirmed(
        client, url, checkin, current=EntryStatus.CURRENT, marked=EntryStatus.ENTERED_IN_ERROR
    )
    assert REASON in client.get(reverse("checkins:history")).content.decode()


def test_marking_a_goal_step_done_by_mistake_takes_a_reason_and_a_confirmation(client, patient):
    goal = goal_create(patient=patient, title="Play on the floor with my grandson")
    step = activity_create(patient=patient, goal=goal, title="Sit on the floor", times_per_week=3)
    done = activity_mark_done(patient=patient, activity=step, day=clinic_today(patient.clinic))
    client.force_login(patient.user)
    page = client.get(reverse("goals:index")).content.decode()
    url = reverse("goals:activity_done_mistake", args=[step.public_id])
    assert url in page
    assert 'name="confirm"' in page
    _one_click_then_reason_then_confirmed(
        client, url, done, current=DoneStatus.CURRENT, marked=DoneStatus.ENTERED_IN_ERROR
    )
    assert "I did this today" in client.get(reverse("goals:index")).content.decode()


def test_marking_a_practice_as_a_mistake_takes_a_reason_and_a_confirmation(client, patient):
    practice = load_practices()[0]
    session = practice_session_log(patient=patient, practice=practice, minutes=5)
    client.force_login(patient.user)
    page = client.get(reverse("skills:index")).content.decode()
    url = reverse("skills:practice_mistake", args=[session.public_id])
    assert url in page
    assert 'name="confirm"' in page
    _one_click_then_reason_then_confirmed(
        client, url, session, current=SessionStatus.DONE, marked=SessionStatus.ENTERED_IN_ERROR
    )
    assert recent_sessions(patient) == []
    assert PracticeSession.objects.filter(pk=session.pk).exists()  # kept, never deleted


def test_a_patient_cannot_mark_someone_elses_practice_or_step(client, patient, other_patient):
    practice = load_practices()[0]
    theirs = practice_session_log(patient=other_patient, practice=practice, minutes=5)
    goal = goal_create(patient=other_patient, title="Garden")
    step = activity_create(patient=other_patient, goal=goal, title="Water", times_per_week=2)
    activity_mark_done(patient=other_patient, activity=step, day=clinic_today(patient.clinic))
    client.force_login(patient.user)
    data = {"reason": REASON, "confirm": "on"}
    url = reverse("skills:practice_mistake", args=[theirs.public_id])
    assert client.post(url, data).status_code == 404
    url = reverse("goals:activity_done_mistake", args=[step.public_id])
    assert client.post(url, data).status_code == 404
    assert ActivityDone.objects.get(activity=step).status == DoneStatus.CURRENT
    theirs.refresh_from_db()
    assert theirs.status == SessionStatus.DONE


def test_marking_a_goal_as_a_mistake_takes_a_reason_and_a_confirmation(client, patient):
    from taperwell.goals.models import Goal, GoalStatus

    goal = goal_create(patient=patient, title="Walk to the mailbox")
    step = activity_create(patient=patient, goal=goal, title="Walk to the gate", times_per_week=3)
    client.force_login(patient.user)
    url = reverse("goals:goal_mistake", args=[goal.public_id])
    assert url in client.get(reverse("goals:index")).content.decode()
    _one_click_then_reason_then_confirmed(
        client, url, goal, current=GoalStatus.ACTIVE, marked=GoalStatus.ENTERED_IN_ERROR
    )
    assert Goal.objects.filter(pk=goal.pk).exists()  # kept, never deleted
    assert "Walk to the mailbox" not in client.get(reverse("goals:index")).content.decode()
    step.refresh_from_db()
    assert step.status == "retired"
