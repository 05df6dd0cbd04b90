"""The permission ladder for every connection page: works; anonymous → sign-in; another
clinic → 404; wrong role → 403; wrong method → 405."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from taperwell.community.models import Member, Post
from taperwell.meetings.models import GroupSession
from taperwell.messaging.services import thread_create
from tests import factories


@dataclass(frozen=True)
class Rung:
    name: str
    url: str
    allowed: str
    wrong_role: str | None
    method: str = "get"  # how the allowed person uses it
    wrong_method: str = "delete"
    scoped: bool = False
    data: tuple = ()


VIEWS = [
    Rung("inbox", "/messages/", "patient", None),
    Rung("new message", "/messages/new/", "clinician", None),
    Rung("reply time", "/messages/reply-time/", "clinic_admin", "clinician"),
    Rung("thread", "/messages/{thread}/", "clinician", None, scoped=True),
    Rung("withdraw", "/messages/m/{message}/withdraw/", "patient", None, "post", "get", True),
    Rung("attachment", "/messages/m/{message}/attachment/", "patient", None, scoped=True),
    Rung("group", "/group/", "patient", None),
    Rung(
        "join",
        "/group/join/",
        "patient",
        "clinician",
        "post",
        "get",
        data=(("display_name", "New name"),),
    ),
    Rung("leave", "/group/leave/", "patient", "clinician", "post", "get"),
    Rung("new topic", "/group/new/", "patient", "clinician"),
    Rung("moderation", "/group/moderation/", "counsellor", "clinician"),
    Rung("topic", "/group/{topic}/", "patient", None, scoped=True),
    Rung(
        "support",
        "/group/p/{topic}/support/",
        "patient",
        "clinician",
        "post",
        "get",
        True,
        (("kind", "support"),),
    ),
    Rung("report", "/group/p/{topic}/report/", "patient", "clinician", "post", "get", True),
    Rung(
        "hide",
        "/group/p/{topic}/hide/",
        "counsellor",
        "clinician",
        "post",
        "get",
        True,
        (("reason", "x"),),
    ),
    Rung("show", "/group/p/{topic}/show/", "counsellor", "patient", "post", "get", True),
    Rung("lock", "/group/p/{topic}/lock/", "counsellor", "front_desk", "post", "get", True),
    Rung(
        "mute",
        "/group/m/{member}/mute/",
        "counsellor",
        "patient",
        "post",
        "get",
        True,
        (("days", "2"), ("reason", "x")),
    ),
    Rung("sessions", "/sessions/", "patient", None),
    Rung("new session", "/sessions/new/", "counsellor", "patient"),
    Rung("session", "/sessions/{session}/", "patient", None, scoped=True),
    Rung(
        "rsvp",
        "/sessions/{session}/rsvp/",
        "patient",
        "counsellor",
        "post",
        "get",
        True,
        (("going", "yes"),),
    ),
    Rung(
        "attendance",
        "/sessions/{session}/attendance/",
        "counsellor",
        "patient",
        "post",
        "get",
        True,
    ),
    Rung("notices", "/notices/", "patient", "clinician"),
    Rung("reminder settings", "/notices/settings/", "patient", "clinician"),
    Rung("calendar", "/notices/calendar/", "patient", "clinician"),
]


@pytest.fixture
def people(clinic, patient, clinician, counsellor, front_desk, clinic_admin, other_patient):
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
    return {
        "patient": patient.user,
        "clinician": clinician,
        "counsellor": counsellor,
        "front_desk": front_desk,
        "clinic_admin": clinic_admin,
        "ids": {
            "thread": thread.public_id,
            "message": thread.messages.get().public_id,
            "topic": topic.public_id,
            "member": author.public_id,
            "session": session.public_id,
        },
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(rung, people):
    return rung.url.format(**people["ids"])


def _use(client, rung, people):
    return getattr(client, rung.method)(_url(rung, people), dict(rung.data))


@pytest.mark.parametrize("rung", VIEWS, ids=lambda r: r.name)
def test_the_right_person_can_use_the_page(client, people, rung):
    client.force_login(people[rung.allowed])
    assert _use(client, rung, people).status_code in ({200} if rung.method == "get" else {302})


@pytest.mark.parametrize("rung", VIEWS, ids=lambda r: r.name)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, people, rung):
    response = _use(client, rung, people)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("rung", [r for r in VIEWS if r.wrong_role], ids=lambda r: r.name)
def test_the_wrong_role_is_refused(client, people, rung):
    client.force_login(people[rung.wrong_role])
    assert _use(client, rung, people).status_code == 403


@pytest.mark.parametrize("rung", [r for r in VIEWS if r.scoped], ids=lambda r: r.name)
def test_someone_from_another_clinic_gets_not_found(client, people, other_clinic, rung):
    role = people[rung.allowed].membership.role
    if role == "patient":
        stranger = factories.make_patient(other_clinic).user
        Member.objects.create(
            clinic=other_clinic, patient=stranger.patient, display_name="Elsewhere"
        )
    else:
        stranger = factories.make_staff(other_clinic, role)
    client.force_login(stranger)
    assert _use(client, rung, people).status_code == 404


@pytest.mark.parametrize("rung", VIEWS, ids=lambda r: r.name)
def test_the_wrong_method_is_refused(client, people, rung):
    client.force_login(people[rung.allowed])
    assert getattr(client, rung.wrong_method)(_url(rung, people)).status_code == 405


def test_the_calendar_feed_needs_no_sign_in_but_only_answers_get(client, patient):
    from taperwell.notifications.services import calendar_feed_replace

    token = calendar_feed_replace(patient=patient)
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    assert client.post(f"/calendar/{token}.ics").status_code == 405
