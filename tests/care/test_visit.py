"""The visit view: dose of record, plan position, 14 days of check-ins, the latest scores with their
change, open flags with their one-click action and monitoring due, on one page and in a fixed
number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taperwell.care.models import Flag, FlagSource, FlagStatus
from taperwell.care.visit import checkin_strip, latest_scores
from taperwell.checkins.models import CheckIn, EntryStatus, QuestionnaireResponse
from taperwell.medications.selectors import dose_of_record
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db


def _approved(patient, clinician, start):
    oxycodone_er(patient, clinician)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    return plan_approve(plan=plan, by=clinician, agreement="10% a month", today=start)


def _checkins(patient, today, days: int) -> None:
    for n in range(days):
        CheckIn.objects.create(
            patient=patient,
            day=today - timedelta(days=n),
            pain=6,
            sleep=5,
            mood=4,
            withdrawal=2 if n else 9,
            craving=1,
        )


def _phq9(patient, day, total: int, status=EntryStatus.CURRENT) -> None:
    QuestionnaireResponse.objects.create(
        patient=patient,
        instrument="phq9",
        instrument_version="PHQ-9",
        day=day,
        answers=[0] * 9,
        total=Decimal(total),
        band="mild",
        status=status,
    )


def _flags(patient, today, count: int) -> None:
    for n in range(count):
        Flag.objects.create(
            patient=patient,
            rule="low-mood" if n else "withdrawal-after-step",
            severity="high",
            reason="Withdrawal 9 of 10 three days after a step." if not n else "Mood low.",
            action="call",
            day=today - timedelta(days=n),
            source=FlagSource.BUMP_RULES,
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(
        [
            q
            for q in queries.captured_queries
            if "django_session" not in q["sql"]
            and "audit_" not in q["sql"]
            and "SAVEPOINT" not in q["sql"]
        ]
    )


def test_the_visit_view_shows_the_dose_the_plan_position_the_strip_the_scores_and_the_flags(
    client, clinician, patient
):
    today = local_today(patient.clinic)
    _approved(patient, clinician, today - timedelta(days=35))
    _checkins(patient, today, 20)
    _phq9(patient, today - timedelta(days=60), 12)
    _phq9(patient, today - timedelta(days=30), 10)
    _phq9(patient, today - timedelta(days=5), 99, status=EntryStatus.ENTERED_IN_ERROR)
    _phq9(patient, today - timedelta(days=2), 7)
    patient.phone = "555-0100"
    patient.save()
    _flags(patient, today, 1)
    client.force_login(clinician)

    response = client.get(reverse("care:visit", args=[patient.public_id]))

    html = response.content.decode()
    assert response.status_code == 200
    record = dose_of_record(patient, on=today)
    assert record.from_plan
    assert record.step_index == 2
    assert f'data-dose-of-record-mme="{record.mme_per_day:g}"' in html
    assert "Step 2 of" in html
    assert 'data-visit="next-step"' in html
    # Pain, mood, sleep, withdrawal, practice and doses marked taken.
    assert html.count('<td class="num lvl-') == 6 * 14
    assert "Withdrawal 9 of 10 three days after a step." in html
    assert 'href="tel:' in html
    assert "Monitoring due" in html
    scores = {s.instrument: s for s in response.context["scores"]}
    assert scores["phq9"].latest == 7
    assert scores["phq9"].since_previous == -3
    assert scores["phq9"].since_baseline == -5


def test_the_visit_tab_comes_first_in_a_patients_pages(client, clinician, patient):
    client.force_login(clinician)

    html = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()

    nav = html[html.index('class="patient-nav"') :]
    first_link = nav[nav.index('href="') + 6 :].split('"')[0]
    assert first_link == reverse("care:visit", args=[patient.public_id])


def test_the_strip_has_fourteen_days_ending_today_and_marks_days_without_a_check_in(patient):
    today = local_today(patient.clinic)
    _checkins(patient, today, 3)

    days, rows = checkin_strip(patient, today=today)

    assert len(days) == 14
    assert days[-1] == today
    pain = next(r for r in rows if r.title == "Pain")
    assert [c.value for c in pain.cells[-3:]] == [6, 6, 6]
    assert pain.cells[0].value is None
    assert pain.cells[0].text == "no check-in"
    withdrawal = next(r for r in rows if r.title == "Withdrawal")
    assert withdrawal.cells[-1].level == 3
    assert withdrawal.cells[-2].level == 0
    mood = next(r for r in rows if r.title == "Mood")
    assert mood.cells[-1].level == 2  # 4 of 10, higher is better


def test_a_single_answer_has_no_change_to_show(patient):
    _phq9(patient, local_today(patient.clinic), 8)

    phq9 = next(s for s in latest_scores(patient) if s.instrument == "phq9")

    assert phq9.latest == 8
    assert phq9.since_previous is None
    assert phq9.since_baseline is None


def test_the_visit_view_query_count_does_not_grow_with_the_history(client, clinician, patient):
    today = local_today(patient.clinic)
    _approved(patient, clinician, today - timedelta(days=35))
    url = reverse("care:visit", args=[patient.public_id])
    client.force_login(clinician)
    _checkins(patient, today, 2)
    _flags(patient, today, 1)
    _count(client, url)  # the first request also checks the second factor once per session
    small = _count(client, url)

    _checkins(patient, today - timedelta(days=2), 60)
    for n in range(6):
        _phq9(patient, today - timedelta(days=7 * n), 5 + n)
    _flags(patient, today - timedelta(days=1), 8)
    Flag.objects.filter(patient=patient).update(status=FlagStatus.OPEN)
    large = _count(client, url)

    assert large == small
    assert large <= 30


def test_the_visit_view_answers_only_its_clinics_care_team_and_only_to_get(
    client, clinician, patient, stranger_clinician
):
    url = reverse("care:visit", args=[patient.public_id])
    assert client.get(url).status_code == 302
    client.force_login(stranger_clinician)
    assert client.get(url).status_code == 404
    client.force_login(clinician)
    assert client.post(url).status_code == 405
