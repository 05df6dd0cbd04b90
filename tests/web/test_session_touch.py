"""The idle timeout is kept without writing the session row on every request."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taperwell.core.sessions import TOUCHED_KEY

pytestmark = pytest.mark.django_db


def session_writes(client, url="/today/"):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]


def test_a_second_page_within_a_minute_does_not_rewrite_the_session(client, patient):
    client.force_login(patient.user)
    assert session_writes(client)  # first page after sign-in pushes the expiry forward
    assert session_writes(client) == []


def test_a_page_more_than_a_minute_later_pushes_the_idle_timeout_forward(client, patient, settings):
    client.force_login(patient.user)
    client.get("/today/")
    session = client.session
    session[TOUCHED_KEY] -= settings.SESSION_TOUCH_SECONDS + 1
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    assert session_writes(client)
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_untouched_session_still_ends_when_idle(client, patient):
    client.force_login(patient.user)
    client.get("/today/")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/today/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_visitors_get_no_session_row(client):
    client.get("/")
    client.get("/healthz")
    assert Session.objects.count() == 0
