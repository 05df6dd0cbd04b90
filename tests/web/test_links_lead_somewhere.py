"""Every link a person is shown in the demo clinic opens for them: no link to a page their role
may not see, and no link to a page that is missing or broken."""

from __future__ import annotations

import re

import pytest

from taperwell.accounts.models import User
from taperwell.demo.services import demo_load

pytestmark = pytest.mark.django_db

PEOPLE = [
    "maria@example.org",
    "clinician@example.org",
    "counsellor@example.org",
    "frontdesk@example.org",
    "admin@example.org",
]
# Files (PDF, ZIP, calendar feeds) and actions that end the visit are not followed.
NOT_FOLLOWED = re.compile(r"logout|/static/|\.pdf|/summary|/download|/feed|/print|/admin/")
MOST_PAGES = 60


@pytest.fixture
def demo(settings, django_capture_on_commit_callbacks):
    settings.REQUIRE_STAFF_MFA = False  # as in the demo, so staff pages open without a code
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/[^"#?]*)', html)


@pytest.mark.parametrize("email", PEOPLE)
def test_every_link_opens_for_the_person_who_sees_it(client, demo, email):
    client.force_login(User.objects.get(email=email))
    seen: set[str] = set()
    waiting = ["/"]
    broken = []
    while waiting and len(seen) < MOST_PAGES:
        url = waiting.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code >= 400:
            broken.append((url, response.status_code))
            continue
        if "text/html" in response.get("Content-Type", ""):
            waiting += [
                link
                for link in _links(response.content.decode())
                if link not in seen and not NOT_FOLLOWED.search(link)
            ]
    assert len(seen) > 20
    assert broken == []
