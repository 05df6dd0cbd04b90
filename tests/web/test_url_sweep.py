"""Every page, as every kind of person, with real and made-up ids: nothing answers with a
server error, and nobody reaches a page that is not theirs:

- anonymous people open only the public pages (PUBLIC); everything else sends them to sign in;
- a patient opens no /clinic/ page and no care-team API;
- the care team opens no page that is only for patients;
- a clinician of another clinic gets 403/404/405 for every URL with our patient's id, reading or
  writing, and never sees one of our patients' names anywhere.
"""

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


# Open to everyone, signed in or not. Anything else must send an anonymous person to sign in.
PUBLIC = {
    "crisis/",  # crisis help is never behind a login
    "healthz",  # the load balancer's health check
    "enrol/",  # the invitation code page
    "api/v1/docs",  # the API's documentation (no data)
    "api/v1/openapi.json",
    # The installable app's files: no data in any of them.
    "sw.js",
    "manifest.webmanifest",
    "favicon.ico",
    "apple-touch-icon.png",
    "offline/",
}
# Pages for every signed-in person, patient or care team.
SHARED = {
    "",
    "crisis/",
    "healthz",
    "enrol/",
    "api/v1/docs",
    "api/v1/openapi.json",
    "sw.js",
    "manifest.webmanifest",
    "favicon.ico",
    "apple-touch-icon.png",
    "offline/",
    "api/v1/me",
    "account/api-tokens/",
    "group/",
    "messages/",
    "messages/new/",
    "sessions/",
}
CARE_ROLES = ("clinician", "bh_clinician", "staff", "admin")
DENIED = {401, 403, 404, 405, 410}  # 410: an invitation link that is not (or no longer) valid


def _get_all(client, user, ids):
    client.logout()
    if user is not None:
        client.force_login(user)
    return {route: client.get(_fill(route, ids)) for route in ROUTES}


def _opened(responses) -> set[str]:
    return {route for route, response in responses.items() if 200 <= response.status_code < 300}


def _anonymous_problems(anonymous) -> list[str]:
    problems = [f"anonymous opened {r}" for r in sorted(_opened(anonymous) - PUBLIC)]
    problems += [f"anonymous was refused public {r}" for r in sorted(PUBLIC - _opened(anonymous))]
    for route, response in anonymous.items():
        if route in PUBLIC or route in {"", "enrol/account/"}:
            continue  # the front door and the enrolment step send people on to their start
        if 300 <= response.status_code < 400:
            if not response["Location"].startswith("/accounts/login/"):
                problems.append(f"anonymous {route}: sent to {response['Location']}")
        elif response.status_code not in DENIED:
            problems.append(f"anonymous {route}: {response.status_code}")
    return problems


def _role_problems(answers) -> list[str]:
    patient_opened = _opened(answers["patient"])
    problems = [
        f"patient opened {r}"
        for r in sorted(patient_opened)
        if r.startswith(("clinic/", "api/v1/patients"))
    ]
    patient_only = patient_opened - SHARED
    if not {"today/", "checkin/", "my-medicines/", "skills/"} <= patient_only:
        problems.append(f"the patient's own pages did not open: {sorted(patient_only)}")
    for role in CARE_ROLES:
        problems += [f"{role} opened {r}" for r in sorted(_opened(answers[role]) & patient_only)]
    return problems


def _our_patient_routes():
    return [route for route in ROUTES if "<uuid:" in route or "<public_id>" in route]


def _stranger_problems(stranger) -> list[str]:
    return [
        f"stranger clinician {route}: {stranger[route].status_code}"
        for route in _our_patient_routes()
        if stranger[route].status_code not in DENIED
    ]


def _name_leaks(answers, names) -> list[str]:
    leaks = []
    for who in ("anonymous", "stranger clinician"):
        for route, response in answers[who].items():
            body = b"".join(response) if response.streaming else response.content
            text = body.decode(errors="replace")
            leaks += [f"{who} saw {name!r} on {route}" for name in names if name in text]
    return leaks


def test_nobody_reaches_a_page_that_is_not_theirs(client, people):
    users, patient = people
    ids = {"uuid": str(patient.public_id), "public_id": str(patient.public_id)}
    answers = {who: _get_all(client, user, ids) for who, user in users.items()}
    names = set(Patient.objects.filter(clinic=patient.clinic).values_list("full_name", flat=True))
    assert len(_our_patient_routes()) > 20
    assert patient.full_name in names

    problems = (
        _anonymous_problems(answers["anonymous"])
        + _role_problems(answers)
        + _stranger_problems(answers["stranger clinician"])
        + _name_leaks(answers, names)
    )

    assert not problems, "\n".join(problems)


def test_a_clinician_of_another_clinic_cannot_write_through_any_url_with_our_patients_id(
    client, people
):
    users, patient = people
    ids = {"uuid": str(patient.public_id), "public_id": str(patient.public_id)}
    client.force_login(users["stranger clinician"])
    wrongly = {}
    for route in _our_patient_routes():
        if route.startswith("api/"):
            response = client.post(_fill(route, ids), "{}", content_type="application/json")
        else:
            response = client.post(_fill(route, ids), {})
        if response.status_code not in DENIED:
            wrongly[route] = response.status_code
    assert not wrongly
