"""The permission ladder for every connection page: works; anonymous → sign-in; another
clinic → 404; wrong role → 403; wrong method → 405."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taperwell.community.models import Member, Post
from taperwell.meetings.models import GroupSession
from taperwell.messaging.services import thread_create
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
    with_wrong_role,
)

VIEWS = [
    Rung("inbox", "/messages/", "patient", None),
    Rung("new message", "/messages/new/", "clinician", None),
    Rung("reply time", "/messages/reply-time/", "clinic_admin", "clinician"),
    Rung("thread", "/messages/{thread}/", "clinician", None),
    Rung(
        "withdraw", "/messages/m/{message}/withdraw/", "patient", None, "post", wrong_method="get"
    ),
    Rung("attachment", "/messages/m/{message}/attachment/", "patient", None),
    Rung("group", "/group/", "patient", None),
    Rung(
        "join",
        "/group/join/",
        "patient",
        "clinician",
        "post",
        data={"display_name": "New name"},
        wrong_method="get",
    ),
    Rung("leave", "/group/leave/", "patient", "clinician", "post", wrong_method="get"),
    Rung("new topic", "/group/new/", "patient", "clinician"),
    Rung("moderation", "/group/moderation/", "counsellor", "clinician"),
    Rung("topic", "/group/{topic}/", "patient", None),
    Rung(
        "support",
        "/group/p/{topic}/support/",
        "patient",
        "clinician",
        "post",
        data={"kind": "support"},
        wrong_method="get",
    ),
    Rung("report", "/group/p/{topic}/report/", "patient", "clinician", "post", wrong_method="get"),
    Rung(
        "hide",
        "/group/p/{topic}/hide/",
        "counsellor",
        "clinician",
        "post",
        data={"reason": "x"},
        wrong_method="get",
    ),
    Rung("show", "/group/p/{topic}/show/", "counsellor", "patient", "post", wrong_method="get"),
    Rung("lock", "/group/p/{topic}/lock/", "counsellor", "front_desk", "post", wrong_method="get"),
    Rung(
        "mute",
        "/group/m/{member}/mute/",
        "counsellor",
        "patient",
        "post",
        data={"days": "2", "reason": "x"},
        wrong_method="get",
    ),
    Rung("sessions", "/sessions/", "patient", None),
    Rung("new session", "/sessions/new/", "counsellor", "patient"),
    Rung("session", "/sessions/{session}/", "patient", None),
    Rung(
        "rsvp",
        "/sessions/{session}/rsvp/",
        "patient",
        "counsellor",
        "post",
        data={"going": "yes"},
        wrong_method="get",
    ),
    Rung(
        "attendance",
        "/sessions/{session}/attendance/",
        "counsellor",
        "patient",
        "post",
        wrong_method="get",
    ),
    Rung("notices", "/notices/", "patient", "clinician"),
    Rung("reminder settings", "/notices/settings/", "patient", "clinician"),
    Rung("calendar", "/notices/calendar/", "patient", "clinician"),
]


@pytest.fixture
def ladder(clinic, patient, other_patient, ladder_people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    thread = thread_create(
        patient=patient,
        sender=patient.user,
        subject="Hi",
        body="Hello",
        attachment=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF"),
    )
    author = Member.objects.create(clinic=clinic, patient=other_patient, display_name="Author")
    Member.objects.create(clinic=clinic, patient=patient, display_name="Reader")
    topic = Post.objects.create(clinic=clinic, author=author, title="T", body="B")
    session = GroupSession.objects.create(
        clinic=clinic,
        title="Group",
        kind="mindfulness",
        place="in_person",
        starts_at=timezone.now() + dt.timedelta(days=1),
        capacity=5,
    )
    return Ladder(
        people=ladder_people,
        ids={
            "thread": thread.public_id,
            "message": thread.messages.get().public_id,
            "topic": topic.public_id,
            "member": author.public_id,
            "session": session.public_id,
        },
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_the_right_person_can_use_the_page(client, ladder, rung):
    check_it_works(client, ladder, rung)


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, ladder, rung):
    check_anonymous_is_sent_to_sign_in(client, ladder, rung)


@pytest.mark.parametrize("rung", with_wrong_role(VIEWS), ids=rung_name)
def test_the_wrong_role_is_refused(client, ladder, rung):
    check_wrong_role_is_refused(client, ladder, rung)


@pytest.mark.parametrize("rung", scoped(VIEWS), ids=rung_name)
def test_someone_from_another_clinic_gets_not_found(client, ladder, other_clinic, rung):
    stranger = ladder.stranger(rung, other_clinic)
    if rung.allowed == "patient":  # a patient of the other clinic, in its group too
        Member.objects.create(
            clinic=other_clinic, patient=stranger.patient, display_name="Elsewhere"
        )
    check_another_clinic_gets_not_found(client, ladder, rung, stranger)


@pytest.mark.parametrize("rung", VIEWS, ids=rung_name)
def test_the_wrong_method_is_refused(client, ladder, rung):
    check_wrong_method_is_refused(client, ladder, rung)


def test_the_calendar_feed_needs_no_sign_in_but_only_answers_get(client, patient):
    from taperwell.notifications.services import calendar_feed_replace

    token = calendar_feed_replace(patient=patient)
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    assert client.post(f"/calendar/{token}.ics").status_code == 405
