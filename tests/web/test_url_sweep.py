"""Every page, as every kind of person, with real and made-up ids: nothing answers with a
server error. (Who may reach which page is the permission ladder's job.)"""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from taperwell.accounts.models import User
from taperwell.demo.services import demo_load
from taperwell.patients.models import Patient
from tests import factories

SKIP_PREFIXES = ("operator/", "accounts/", "static/")
# Pages that change state or stream large files are covered by their own tests.
SKIP_NAMES = {"account_logout"}


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name or ''}", entry.pattern


def _fill(route: str, ids: dict[str, str]) -> str:
    """Turn `clinic/patients/<uuid:public_id>/` into a real URL with the given ids."""
    out, rest = "", route
    while "<" in rest:
        before, _, after = rest.partition("<")
        spec, _, rest = after.partition(">")
        converter, _, name = spec.rpartition(":")
        out += before
        if converter == "uuid":
            out += ids.get(name, ids["uuid"])
        elif converter == "int":
            out += "1"
        else:
            out += ids.get(name, "not-a-real-value")
    return "/" + out + rest


def _routes():
    seen = set()
    for route, name, _pattern in _patterns(get_resolver()):
        if route.startswith(SKIP_PREFIXES) or name in SKIP_NAMES or "(?P" in route:
            continue
        if route in seen:
            continue
        seen.add(route)
        yield route


@pytest.fixture
def people(db):
    clinic = demo_load()
    elsewhere = factories.make_clinic("Elsewhere Clinic")
    stranger = factories.make_staff(elsewhere, "clinician")
    users = {"anonymous": None, "stranger clinician": stranger}
    for user in User.objects.filter(membership__clinic=clinic).select_related("membership"):
        users.setdefault(user.membership.role, user)
    for role in ("clinician", "bh_clinician", "staff", "admin"):
        factories.give_totp(users[role])
    return users, Patient.objects.filter(clinic=clinic, user__isnull=False).first()


ROUTES = sorted(_routes())


def test_the_sweep_covers_the_main_pages():
    assert "clinic/patients/<uuid:public_id>/" in ROUTES
    assert "today/" in ROUTES


@pytest.mark.parametrize("id_kind", ["real", "made-up"])
def test_no_page_fails_for_anyone(client, people, id_kind):
    users, patient = people
    real = str(patient.public_id) if id_kind == "real" else str(uuid.uuid4())
    ids = {"uuid": real, "public_id": real}
    failures = []
    for who, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for route in ROUTES:
            url = _fill(route, ids)
            try:
                response = client.get(url)
            except Exception as error:  # any crash is a finding
                failures.append(f"{who} GET {url}: {type(error).__name__}: {error}")
                continue
            if response.status_code >= 500:
                failures.append(f"{who} GET {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
