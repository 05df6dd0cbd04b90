"""One dose of record on every surface: every demo patient, on days before, during and after
their plans, shows the same MME on triage, the visit view, the care page, the timeline, the
medicines review, Today, My medicines, both visit summaries, the FHIR export and the API."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from taperwell.accounts.models import User
from taperwell.checkins.selectors import clinic_today
from taperwell.demo.services import demo_load
from taperwell.fhir.export import patient_bundle
from taperwell.medications.selectors import DoseSource, dose_of_record
from taperwell.patients.models import Patient
from taperwell.reports.pdf import patient_summary_html, summary_html
from taperwell.reports.summary import visit_summary
from tests import factories

pytestmark = pytest.mark.django_db

# Days from today: George mid-taper (others not yet on medicines), before Maria's, James's and
# Robert's plans, during them, today, and after Maria's plan has ended.
OFFSETS = (-200, -90, -40, 0, 30, 400)
MARK = re.compile(r'data-dose-of-record-mme="([^"]*)"')


@contextmanager
def _days_from_now(days: int):
    real = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=real + timedelta(days=days)):
        yield


def _shown(record) -> str:
    return "unknown" if record.mme_per_day is None else floatformat(record.mme_per_day, -2)


def _marks(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return MARK.findall(response.content.decode())


def _api_mme(value) -> str:
    return "unknown" if value is None else floatformat(value, -2)


@pytest.fixture
def demo(db):
    demo_load()
    doctor = User.objects.get(email="clinician@example.org")
    factories.give_totp(doctor)
    patients = list(Patient.objects.filter(user__isnull=False).select_related("clinic", "user"))
    assert len(patients) >= 6
    return doctor, patients


@pytest.mark.parametrize("offset", OFFSETS)
def test_every_surface_shows_the_same_mme_for_every_demo_patient(client, demo, offset):
    doctor, patients = demo
    with _days_from_now(offset):
        client.force_login(doctor)
        triage = client.get(reverse("care:dashboard"), {"scope": "all"}).content.decode()
        staff = {}
        for patient in patients:
            today = clinic_today(patient.clinic)
            record = dose_of_record(patient)
            expected = _shown(record)
            staff[patient.pk] = expected
            where = f"{patient.full_name} on {today}"
            assert f'data-dose-of-record-mme="{patient.public_id}:{expected}"' in triage, where
            pid = patient.public_id
            assert _marks(client.get(reverse("care:patient", args=[pid]))) == [expected], where
            assert _marks(client.get(reverse("care:timeline", args=[pid]))) == [expected], where
            assert _marks(client.get(reverse("care:visit", args=[pid]))) == [expected], where
            review = client.get(reverse("medications:list", args=[pid]))
            assert _marks(review) == [expected], where
            if record.mme_per_day is not None:
                total = floatformat(review.context["review"].total_mme_per_day, -1)
                assert f"{total} MME a day" in review.content.decode(), where
                assert total == floatformat(record.mme_per_day, -1), where
            summary = visit_summary(patient)
            assert MARK.findall(summary_html(summary)) == [expected], where
            assert MARK.findall(patient_summary_html(summary)) == [expected], where
            detail = client.get(f"/api/v1/patients/{pid}").json()
            assert _api_mme(detail["dose_of_record"]["mme_per_day"]) == expected, where
            statements = [
                e["resource"]
                for e in patient_bundle(patient, today=today)["entry"]
                if e["resource"]["resourceType"] == "MedicationStatement"
            ]
            planned = [line for line in record.lines if line.source == DoseSource.PLAN]
            if any(not line.stopped for line in planned) and record.mme_per_day is not None:
                notes = [n["text"] for r in statements for n in r.get("note", [])]
                total = f"{record.mme_per_day.normalize():f} MME/day in all"
                assert any(total in note for note in notes), where
        charts = 0
        for patient in patients:
            client.force_login(patient.user)
            where = f"{patient.full_name}, their own pages"
            expected = staff[patient.pk]
            assert _marks(client.get(reverse("today:today"))) == [expected], where
            assert _marks(client.get(reverse("checkins:medicines"))) == [expected], where
            mine = client.get("/api/v1/me/medicines").json()
            assert _api_mme(mine["dose_of_record"]["mme_per_day"]) == expected, where
            if offset < 0:
                continue  # the demo's check-ins and steps done lie ahead: no progress yet
            progress = client.get(reverse("checkins:progress")).content.decode()
            now = re.search(r"Your daily dose is now (\d+),", progress)
            if now is not None:  # the dose chart is drawn while a plan is in force
                charts += 1
                assert now.group(1) == f"{float(mine['dose_of_record']['mme_per_day']):.0f}"
        assert charts or offset < 0


def test_demo_maria_on_her_third_step_agrees_everywhere(client, demo):
    """Maria's plan says 20 mg and 15 + 10 mg; no page may still say 30 mg every 12 hours."""
    doctor, _ = demo
    maria = Patient.objects.get(user__email="maria@example.org")
    record = dose_of_record(maria)
    assert record.source == DoseSource.PLAN
    assert record.step_index == 3
    assert record.scheduled_mme_per_day == 67.5
    plan_text = "oxycodone ER tablet: 20 mg at 08:00; 15 mg + 10 mg at 20:00"
    assert record.lines[0].text == plan_text

    client.force_login(maria.user)
    page = client.get(reverse("checkins:medicines")).content.decode()
    assert "Replaced by your taper plan from" in page
    assert "20 mg" in page
    assert "One tablet every 12 hours" not in page  # the old directions are not offered

    client.force_login(doctor)
    for name in ("care:patient", "medications:list"):
        assert plan_text in client.get(reverse(name, args=[maria.public_id])).content.decode()
    triage = client.get(reverse("care:dashboard"), {"scope": "all"}).content.decode()
    assert f'data-dose-of-record-mme="{maria.public_id}:90"' in triage
    pdf = summary_html(visit_summary(maria))
    assert "Dose of record on" in pdf
    assert ": 90 MME/day" in pdf
    assert plan_text in pdf
    assert "pre-taper prescription, replaced by the taper plan" in pdf
    bundle = patient_bundle(maria, today=clinic_today(maria.clinic))
    oxycodone = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationStatement"
        and "oxycodone ER" in e["resource"]["medicationCodeableConcept"]["text"]
    ]
    by_status = {r["status"]: r for r in oxycodone}
    assert by_status["completed"]["effectivePeriod"]["end"] == record.plan_started.isoformat()
    current = by_status["active"]
    assert current["effectivePeriod"]["start"] == record.since.isoformat()
    doses = {
        d["timing"]["repeat"]["timeOfDay"][0]: d["doseAndRate"][0]["doseQuantity"]["value"]
        for d in current["dosage"]
    }
    assert doses == {"08:00:00": 20.0, "20:00:00": 25.0}
