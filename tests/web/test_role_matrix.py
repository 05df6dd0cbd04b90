"""Every page and API endpoint, for each role on the care team: front desk (staff and clinic
admins) reaches demographics, invitations, sessions and scheduling, and sees that a patient needs
clinical attention, never why: no reasons, answers, doses, notes, PDF, FHIR or message threads.
Only clinicians draft and approve plans; the behavioural-health clinician reads them.

A route missing from the lists below fails the matrix until someone decides who may open it.
"""

from __future__ import annotations

import pytest

from taperwell.care.models import Flag
from taperwell.messaging.models import Thread
from taperwell.tapering.models import TaperPlan
from tests.web.test_url_sweep import ROUTES, _fill
from tests.web.test_url_sweep import people as people  # the demo clinic and one user per role

# Pages front desk may open (200) with the demo patient's id. Everything else is 403, 404
# (not theirs / not a real id), 405 (a form's target), or a redirect (a patient-only flow).
FRONT_DESK_MAY_OPEN = {
    "account/api-tokens/",
    "api/v1/docs",
    "api/v1/me",
    "api/v1/openapi.json",
    "api/v1/patients",  # names, status and a count of open flags; no reasons, no doses
    "apple-touch-icon.png",
    "clinic/guidelines/",
    "clinic/invitations/",
    "clinic/invitations/new/",
    "clinic/patients/",
    "clinic/patients/<uuid:public_id>/",  # the record: demographics without the clinical parts
    "clinic/triage/",  # "needs clinical attention", never the reason
    "crisis/",
    "enrol/",
    "favicon.ico",
    "group/",
    "healthz",
    "manifest.webmanifest",
    "offline/",
    "sessions/",
    "sessions/new/",
    "sw.js",
    "clinic/settings/",  # admins only
    "messages/reply-time/",  # admins only: the reply-time line, no messages
    "clinic/audit/",  # admins only: who read what, never the content
    "clinic/audit/export.csv",
    "clinic/research/",  # admins only: de-identified, consented
    "clinic/research/export.zip",
    "clinic/outcomes/",  # admins: clinic-wide numbers, no patient
    "clinic/remote-monitoring/",
    "clinic/remote-monitoring/csv/",
    "",  # the front door redirects
}

# Clinical reads front desk must be refused (403), with a real object of each kind.
CLINICAL_READS = [
    "clinic/patients/<uuid:public_id>/care/",
    "clinic/patients/<uuid:public_id>/timeline/",
    "clinic/patients/<uuid:public_id>/timeline/data/",
    "clinic/patients/<uuid:public_id>/medicines/",
    "clinic/patients/<uuid:public_id>/taper/",
    "clinic/patients/<uuid:public_id>/summary.pdf",
    "clinic/patients/<uuid:public_id>/fhir.json",
    "clinic/taper-plans/<uuid:public_id>/",
    "clinic/taper-plans/<uuid:public_id>/print/",
    "messages/",
    "messages/new/",
    "messages/<uuid:public_id>/",
    "api/v1/patients/<public_id>",
    "api/v1/patients/<public_id>/checkins",
    "api/v1/patients/<public_id>/flags",
    "api/v1/patients/<public_id>/medications",
    "api/v1/patients/<public_id>/plan",
    "api/v1/patients/<public_id>/questionnaires",
    "api/v1/patients/<public_id>/timeline",
]

# Prescriber's pages: clinicians only; the behavioural-health clinician is refused too.
PRESCRIBER_READS = [
    "clinic/taper-plans/<uuid:public_id>/worksheet/",
]

FRONT_DESK = ("staff", "admin")


def _real_id(route: str, patient) -> str:
    if route.startswith("clinic/taper-plans/"):
        plans = TaperPlan.objects.filter(patient__clinic=patient.clinic).exclude(schedule={})
        return str(plans.exclude(schedule=None).first().public_id)
    if route.startswith("messages/<"):
        return str(Thread.objects.filter(clinic=patient.clinic).first().public_id)
    return str(patient.public_id)


def _clinical_words(patient) -> list[str]:
    words = ["MME"]
    for flag in Flag.objects.filter(patient=patient):
        words += [flag.reason, flag.rule_label]
    return [w for w in words if w]


@pytest.mark.parametrize("who", FRONT_DESK)
def test_front_desk_opens_only_the_pages_of_its_job(client, people, who):
    users, patient = people
    client.force_login(users[who])
    ids = {"uuid": str(patient.public_id), "public_id": str(patient.public_id)}
    reached = []
    for route in ROUTES:
        response = client.get(_fill(route, ids))
        if response.status_code == 200 and route not in FRONT_DESK_MAY_OPEN:
            reached.append(route)
    assert not reached, f"{who} reached: {reached}"


@pytest.mark.parametrize("who", FRONT_DESK)
@pytest.mark.parametrize("route", CLINICAL_READS)
def test_front_desk_is_refused_every_clinical_read(client, people, who, route):
    users, patient = people
    client.force_login(users[who])
    real = _real_id(route, patient)
    response = client.get(_fill(route, {"uuid": real, "public_id": real}))
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["clinician", "bh_clinician"])
@pytest.mark.parametrize("route", CLINICAL_READS)
def test_clinicians_read_what_front_desk_may_not(client, people, who, route):
    users, patient = people
    client.force_login(users[who])
    real = _real_id(route, patient)
    response = client.get(_fill(route, {"uuid": real, "public_id": real}))
    assert response.status_code in {200, 302}


@pytest.mark.parametrize("who", FRONT_DESK)
def test_front_desk_sees_needs_clinical_attention_never_the_reason(client, people, who):
    users, patient = people
    flagged = Flag.objects.filter(patient__clinic=patient.clinic, status="open").first()
    assert flagged is not None
    client.force_login(users[who])
    for url in ("/clinic/triage/", f"/clinic/patients/{flagged.patient.public_id}/"):
        page = client.post(url, {"scope": "all"}) if "triage" in url else client.get(url)
        body = page.content.decode()
        assert "Needs clinical attention" in body
        for word in _clinical_words(flagged.patient):
            assert word not in body, f"{who} saw {word!r} on {url}"


def test_front_desk_cannot_filter_triage_by_flag_type(client, people):
    users, patient = people
    flagged = Flag.objects.filter(patient__clinic=patient.clinic, status="open").first()
    client.force_login(users["staff"])
    everyone = client.post("/clinic/triage/", {"scope": "all"}).content.decode()
    by_rule = client.post("/clinic/triage/", {"scope": "all", "rule": flagged.rule})
    assert 'name="rule"' not in everyone
    assert by_rule.content.decode().count("<tr") == everyone.count("<tr")


def test_a_behavioural_health_clinician_reads_plans_but_cannot_draft_one(client, people):
    users, patient = people
    client.force_login(users["bh_clinician"])
    url = f"/clinic/patients/{patient.public_id}/taper/"
    assert client.get(url).status_code == 200
    before = TaperPlan.objects.filter(patient=patient).count()
    response = client.post(url, {"pace": "slow", "percent": "10", "interval_days": "28"})
    assert response.status_code == 403
    assert TaperPlan.objects.filter(patient=patient).count() == before
    assert 'action="' + url not in client.get(url).content.decode()


def test_a_clinician_still_reaches_the_draft_form(client, people):
    users, patient = people
    client.force_login(users["clinician"])
    url = f"/clinic/patients/{patient.public_id}/taper/"
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", [*FRONT_DESK, "bh_clinician"])
@pytest.mark.parametrize("route", PRESCRIBER_READS)
def test_only_prescribers_open_the_prescribers_pages(client, people, who, route):
    users, patient = people
    real = _real_id(route, patient)
    url = _fill(route, {"uuid": real, "public_id": real})
    client.force_login(users[who])
    assert client.get(url).status_code == 403
    client.force_login(users["clinician"])
    assert client.get(url).status_code == 200


def test_every_prescriber_route_is_a_real_route():
    assert set(PRESCRIBER_READS) <= set(ROUTES)
