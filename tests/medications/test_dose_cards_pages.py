"""Dose cards on Today and My medicines: a card per time of day from the dose of record, a
"Taken" tap that posts with CSRF and a one-time key, with htmx and without, audited, for the
patient alone; and never a judgement about a dose not marked."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from taperwell.audit.models import AuditAction, AuditEvent
from taperwell.medications.dose_cards import line_key
from taperwell.medications.models import DoseLog, PatientMedication
from taperwell.medications.selectors import dose_of_record
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db

TAKEN = reverse("medications:dose_taken")
UNDO = reverse("medications:dose_undo")


@pytest.fixture
def on_oxycodone(patient, clinician):
    oxycodone_er(patient, clinician)  # 30 mg at 08:00 and 20:00
    PatientMedication.objects.create(
        patient=patient,
        drug="oxycodone",
        form="tablet",
        release="IR",
        strength=Decimal(5),
        unit="mg",
        as_needed=True,
        max_prn_per_day=3,
    )
    return patient


def _key_of(html: str, time: str) -> str:
    form = html[html.index(f'name="time" value="{time}"') - 400 :]
    return re.search(r'name="key" value="([0-9a-f-]+)"', form).group(1)


def _today(client) -> str:
    response = client.get(reverse("today:today"))
    assert response.status_code == 200
    return response.content.decode()


def test_today_shows_a_card_per_time_of_day_with_the_tablets_and_a_taken_button(
    client, on_oxycodone
):
    client.force_login(on_oxycodone.user)

    html = _today(client)

    assert html.count('<article class="dose-card') == 3  # morning, evening, as needed
    assert ">Morning <span" in html
    assert ">Evening <span" in html
    assert "8:00 AM" in html
    assert "8:00 PM" in html
    assert "30 mg \u00d7 1" in html
    assert html.count('class="dose-svg pill') >= 3
    assert 'aria-hidden="true"><svg' in html
    assert "as needed, up to 3 a day" in html
    assert html.count(">Taken<") == 3


def test_marking_a_dose_taken_without_javascript_returns_to_today_and_shows_it(
    client, on_oxycodone
):
    client.force_login(on_oxycodone.user)
    key = _key_of(_today(client), "08:00")

    response = client.post(TAKEN, {"key": key, "time": "08:00", "next": "today"})

    assert response.status_code == 302
    assert response["Location"] == reverse("today:today") + "#doses"
    html = _today(client)
    assert "Taken at" in html
    assert ">Undo<" in html
    row = DoseLog.objects.get()
    assert row.day == local_today(on_oxycodone.clinic)
    assert AuditEvent.objects.filter(
        patient=on_oxycodone, action=AuditAction.UPDATE, what="dose marked taken"
    ).exists()


def test_with_htmx_the_cards_come_back_as_a_fragment(client, on_oxycodone):
    client.force_login(on_oxycodone.user)
    key = _key_of(_today(client), "20:00")

    response = client.post(TAKEN, {"key": key, "time": "20:00"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="dose-cards"' in html
    assert "<html" not in html
    assert "Taken at" in html
    # The same cards as the page: the prescriptions the plan replaced never appear.
    assert html.count('<article class="dose-card') == 3


def test_the_same_form_sent_twice_marks_the_dose_once(client, on_oxycodone):
    client.force_login(on_oxycodone.user)
    key = _key_of(_today(client), "08:00")

    client.post(TAKEN, {"key": key, "time": "08:00"})
    client.post(TAKEN, {"key": key, "time": "08:00"})

    assert DoseLog.objects.count() == 1


def test_undo_from_the_page_takes_the_mark_back(client, on_oxycodone):
    client.force_login(on_oxycodone.user)
    client.post(TAKEN, {"key": _key_of(_today(client), "08:00"), "time": "08:00"})
    undo_key = str(DoseLog.objects.get().idempotency_key)

    response = client.post(UNDO, {"key": undo_key, "next": "medicines"})

    assert response["Location"] == reverse("checkins:medicines") + "#doses"
    assert DoseLog.objects.get().undone_at is not None
    assert "Taken at" not in _today(client)


def test_an_as_needed_dose_is_marked_each_time(client, on_oxycodone):
    client.force_login(on_oxycodone.user)
    prn = line_key(next(x for x in dose_of_record(on_oxycodone).lines if x.as_needed))
    for n in range(2):
        html = _today(client)
        form = html[html.index(f'name="line" value="{prn}"') - 400 :]
        key = re.search(r'name="key" value="([0-9a-f-]+)"', form).group(1)
        client.post(TAKEN, {"key": key, "line": prn})
        assert DoseLog.objects.count() == n + 1
    assert "You marked 2 today" in _today(client)


def test_the_care_team_cannot_mark_a_dose(client, on_oxycodone, clinician, front_desk):
    for person in (clinician, front_desk):
        client.force_login(person)
        response = client.post(
            TAKEN, {"key": "6f1c8e40-3e4b-4b7e-9a51-000000000001", "time": "08:00"}
        )
        assert response.status_code == 403
    assert not DoseLog.objects.exists()


def test_someone_signed_out_is_sent_to_sign_in(on_oxycodone):
    response = Client().post(TAKEN, {"key": "6f1c8e40-3e4b-4b7e-9a51-000000000001"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_dose_urls_take_posts_only(client, on_oxycodone):
    client.force_login(on_oxycodone.user)
    assert client.get(TAKEN).status_code == 405
    assert client.get(UNDO).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(on_oxycodone):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(on_oxycodone.user)
    response = browser.post(TAKEN, {"key": "6f1c8e40-3e4b-4b7e-9a51-000000000001", "time": "08:00"})
    assert response.status_code == 403
    assert not DoseLog.objects.exists()


def test_a_dose_not_marked_is_never_called_missed_or_shown_as_a_warning(client, on_oxycodone):
    client.force_login(on_oxycodone.user)
    # Yesterday nothing was marked, today only the morning.
    client.post(TAKEN, {"key": _key_of(_today(client), "08:00"), "time": "08:00"})

    html = _today(client)
    cards = html[html.index('id="dose-cards"') : html.index("My medicines and plan")]
    for word in ("missed", "forgot", "late", "overdue", "warning", "sev-", "danger"):
        assert word not in cards.lower()


def test_my_medicines_shows_the_same_cards(client, on_oxycodone):
    client.force_login(on_oxycodone.user)

    html = client.get(reverse("checkins:medicines")).content.decode()

    assert "Today's doses" in html
    assert html.count('<article class="dose-card') == 3
    assert 'name="next" value="medicines"' in html


def test_the_next_steps_change_is_one_line_under_the_cards(client, patient, clinician):
    today = local_today(patient.clinic)
    oxycodone_er(patient, clinician)
    plan = plan_draft(
        patient=patient, by=clinician, inputs=ten_percent_inputs(today - timedelta(days=3))
    )
    plan = plan_approve(
        plan=plan, by=clinician, agreement="Ten percent.", today=today - timedelta(days=3)
    )
    client.force_login(patient.user)

    html = _today(client)

    line = re.search(r"<p class=\"dose-next\"[^>]*>(.*?)</p>", html, re.S).group(1)
    assert re.match(r"From [A-Z][a-z]{2} \d{1,2}: (morning|evening) \d+ → \d+ mg", line)
    next_start = plan.schedule["steps"][1]["start_date"]
    assert f"{date.fromisoformat(next_start):%b} {date.fromisoformat(next_start).day}:" in line


def test_with_a_plan_the_replaced_prescription_is_never_listed_beside_the_cards(
    client, patient, clinician
):
    today = local_today(patient.clinic)
    oxycodone_er(patient, clinician)
    PatientMedication.objects.create(
        patient=patient, drug="gabapentin", form="capsule", strength=Decimal(300), unit="mg"
    )
    plan = plan_draft(
        patient=patient, by=clinician, inputs=ten_percent_inputs(today - timedelta(days=3))
    )
    plan_approve(plan=plan, by=clinician, agreement="Ten percent.", today=today - timedelta(days=3))
    client.force_login(patient.user)

    html = _today(client)

    cards = html[html.index('id="dose-cards"') : html.index("My medicines and plan")]
    assert "gabapentin capsule 300 mg" in cards
    assert "oxycodone ER tablet 30 mg" not in cards


def test_a_patch_is_drawn_as_a_patch_and_its_tap_says_the_patch_is_on(client, patient):
    PatientMedication.objects.create(
        patient=patient,
        drug="fentanyl",
        form="patch",
        release="ER",
        strength=Decimal(25),
        unit="mcg/h",
        times=["09:00"],
    )
    client.force_login(patient.user)

    html = _today(client)

    card = html[html.index('<article class="dose-card') : html.index("</article>")]
    assert 'class="dose-svg patch"' in card
    assert "25 mcg/h" in card
    assert "My patch is on" in card
    assert ">Taken<" not in card
