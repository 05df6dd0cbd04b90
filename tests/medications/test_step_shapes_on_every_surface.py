"""Each step shape the taper engine writes, read back from what the pages show: a formulation
change marked taken, an as-needed line's last step, the API's units, several patches of one
strength."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from taperwell.api.services import api_token_create
from taperwell.fhir.export import PRODUCT, medication_statements
from taperwell.medications.dose_cards import dose_cards, next_change, scheduled_items
from taperwell.medications.models import DoseLog, PatientMedication
from taperwell.medications.selectors import dose_of_record, step_lines
from taperwell.medications.services import doselog_record
from taperwell.tapering.schedule import schedule_from_document
from taperwell.tapering.selectors import current_plan, plan_steps_for_patient
from taperwell.tapering.services import plan_approve, plan_draft
from tests.care.builders import ten_percent_inputs

SOLUTION = {"release": "IR", "form": "solution", "unit": "mg/mL"}

# The last step of an as-needed line the plan tapers, as the engine stores it.
AS_NEEDED_STOP = {
    "index": 4,
    "kind": "stop",
    "start_date": "2027-09-13",
    "text": "From Monday 13 September: stop taking oxycodone.",
    "medications": [
        {
            "drug": "oxycodone",
            "release": "IR",
            "form": "tablet",
            "unit": "mg",
            "as_needed": True,
            "daily_dose": 0,
            "administrations": {},
        }
    ],
}

# Two 100 mcg/h patches worn together (a 200 mcg/h dose).
TWO_PATCHES = {
    "index": 1,
    "start_date": "2027-01-04",
    "medications": [
        {
            "drug": "fentanyl",
            "release": "ER",
            "form": "patch",
            "unit": "mcg/h",
            "daily_dose": 200,
            "wear_hours": 72,
            "administrations": {"08:00": [{"strength": 100, "count": 2}]},
        }
    ],
}


def _lines(step):
    return SimpleNamespace(lines=step_lines(step))


def test_the_last_step_of_an_as_needed_line_shows_no_as_needed_card():
    cards, as_needed = dose_cards(_lines(AS_NEEDED_STOP))

    assert cards == []
    assert as_needed == []


def test_the_dose_of_record_words_for_an_as_needed_line_stopped_say_stopped():
    (line,) = step_lines(AS_NEEDED_STOP)

    assert line.stopped
    assert line.text == "oxycodone IR tablet: stopped"


def test_two_patches_of_one_strength_are_worded_as_patches():
    (line,) = step_lines(TWO_PATCHES)

    assert line.text == (
        "fentanyl ER patch: 2 patches of 100 mcg/h at 08:00 (a new patch every 3 days)"
    )


MORPHINE_ER = [{"drug": "morphine", "release": "ER", "strength": "30", "times": ["08:00", "20:00"]}]


def _solution_step_offset(draft):
    """Days from the draft's start to its first step with tablets and solution at 08:00."""
    steps = schedule_from_document(draft.draft).steps
    for planned in steps:
        units = planned.document["medications"][0]["administrations"].get("08:00", [])
        if {bool(u.get("form")) for u in units} == {True, False}:
            return (planned.start - steps[0].start).days
    raise AssertionError("the engine wrote no step with tablets and solution at 08:00")


@pytest.fixture
def on_morphine_solution_step(patient, clinician):
    """A patient whose approved morphine ER plan is, today, on a step with ER tablets and the
    oral solution at one time of day; returns today."""
    patient.clinic.time_zone = "UTC"
    patient.clinic.save()
    PatientMedication.objects.create(
        patient=patient,
        drug="morphine",
        form="tablet",
        release="ER",
        strength=Decimal(30),
        unit="mg",
        times=["08:00", "20:00"],
    )
    today = datetime.now(tz=UTC).date()
    trial = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(today, MORPHINE_ER))
    start = today - timedelta(days=_solution_step_offset(trial))
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start, MORPHINE_ER))
    plan_approve(plan=plan, by=clinician, agreement="Ten percent a month.", today=start)
    return today


@pytest.mark.django_db
def test_marking_a_time_with_tablets_and_oral_solution_taken_records_both(
    patient, on_morphine_solution_step
):
    now = datetime.combine(on_morphine_solution_step, time(9), tzinfo=UTC)

    rows = doselog_record(patient=patient, by=patient.user, key=uuid.uuid4(), time="08:00", now=now)

    saved = DoseLog.objects.filter(patient=patient, undone_at__isnull=True)
    assert len(rows) == 2
    assert sorted(row.product for row in saved) == ["morphine ER tablet", "morphine IR solution"]
    record = dose_of_record(patient, on=on_morphine_solution_step)
    (morning, *_), _ = dose_cards(record, log=saved)
    assert morning.is_taken


@pytest.mark.django_db
def test_the_api_names_the_product_of_a_formulation_change_unit(
    client, patient, on_morphine_solution_step
):
    token = api_token_create(user=patient.user, name="phone").raw
    response = client.get("/api/v1/me/medicines", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    document = response.json()["dose_of_record"]

    (line,) = document["lines"]
    (morning,) = [a for a in line["administrations"] if a["time"] == "08:00"]
    liquid = [u for u in morning["units"] if u["form"] == "solution"]
    assert liquid
    assert all((u["release"], u["unit"]) == ("IR", "mg/mL") for u in liquid)
    tablets = [u for u in morning["units"] if u["form"] != "solution"]
    assert all((u["release"], u["form"], u["unit"]) == ("ER", "tablet", "mg") for u in tablets)


def test_a_measure_of_solution_beside_tablets_is_its_own_card_item():
    step = {
        "index": 2,
        "start_date": "2027-03-15",
        "medications": [
            {
                "drug": "morphine",
                "release": "ER",
                "form": "tablet",
                "unit": "mg",
                "daily_dose": 39,
                "administrations": {
                    "08:00": [{"strength": 15, "count": 1}, {"strength": 2, "count": 2, **SOLUTION}]
                },
            }
        ],
    }

    items = scheduled_items(_lines(step))["08:00"]

    assert len({item.line_key for item in items}) == 2


def test_half_a_tablet_is_worded_as_half_a_tablet_in_the_dose_of_record():
    step = {
        "index": 3,
        "start_date": "2027-03-01",
        "medications": [
            {
                "drug": "oxycodone",
                "release": "IR",
                "form": "tablet",
                "unit": "mg",
                "daily_dose": "12.5",
                "administrations": {
                    "08:00": [{"strength": 5, "count": 1}, {"strength": 5, "count": 0.5}],
                    "20:00": [{"strength": 5, "count": 1}],
                },
            }
        ],
    }
    (line,) = step_lines(step)

    assert line.text == "oxycodone IR tablet: 5 mg + half a tablet of 5 mg at 08:00; 5 mg at 20:00"
    (morning,) = scheduled_items(_lines(step))["08:00"]
    assert morning.dose_text == "5 mg \u00d7 1 + 5 mg \u00d7 \u00bd"


@pytest.mark.django_db
def test_before_the_plan_starts_the_next_change_counts_down_from_a_medicine_entered_without_a_form(
    patient, clinician
):
    PatientMedication.objects.create(
        patient=patient,
        drug="oxycodone",
        form="",
        release="ER",
        strength=Decimal(30),
        unit="mg",
        times=["08:00", "20:00"],
    )
    today = date(2026, 1, 5)
    start = today + timedelta(days=7)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    plan_approve(plan=plan, by=clinician, agreement="Ten percent a month.", today=today)
    steps = plan_steps_for_patient(current_plan(patient), today=today)

    change = next_change(dose_of_record(patient, on=today), steps)

    assert change is not None
    assert change["changes"]
    assert all(not words.split(" → ")[0].endswith(" 0") for words in change["changes"])
    assert any(
        words.startswith("morning 30 → ") or words.startswith("evening 30 → ")
        for words in change["changes"]
    )


@pytest.mark.django_db
def test_on_today_the_morning_card_with_tablets_and_solution_shows_both_and_is_marked_taken(
    client, patient, on_morphine_solution_step
):
    client.force_login(patient.user)
    today = reverse("today:today")
    html = client.get(today).content.decode()
    card = html[html.index('data-time="08:00"') :]
    card = card[: card.index("</article>")]
    assert "morphine ER tablet" in card
    assert "morphine IR solution" in card
    assert " mL of 2 mg/mL" in card
    key = re.search(r'name="key" value="([0-9a-f-]+)"', card).group(1)

    response = client.post(
        reverse("medications:dose_taken"), {"key": key, "time": "08:00", "next": "today"}
    )

    assert response.status_code == 302
    html = client.get(today).content.decode()
    card = html[html.index('data-time="08:00"') - 40 :]
    assert card[: card.index("</article>")].count("is-taken") == 1
    assert "Taken at" in card[: card.index("</article>")]


@pytest.mark.django_db
def test_the_fhir_export_codes_each_product_of_a_formulation_change_with_its_own_doses(
    patient, on_morphine_solution_step
):
    statements = medication_statements(patient, today=on_morphine_solution_step)

    planned = {
        coding["code"]: statement
        for statement in statements
        if statement.get("basedOn")
        for coding in statement["medicationCodeableConcept"]["coding"]
        if coding["system"] == PRODUCT
    }
    assert set(planned) == {"morphine|ER|tablet", "morphine|IR|solution"}
    record = dose_of_record(patient, on=on_morphine_solution_step)
    (line,) = record.lines
    for code, statement in planned.items():
        release, form = code.split("|")[1:]
        total = sum(
            Decimal(str(d["doseAndRate"][0]["doseQuantity"]["value"]))
            * len(d["timing"]["repeat"]["timeOfDay"])
            for d in statement["dosage"]
        )
        expected = sum(
            u.strength * u.count
            for a in line.administrations
            for u in a.units
            if ((u.release or line.release), (u.form or line.form)) == (release, form)
        )
        assert total == expected, code
        texts = {d["text"] for d in statement["dosage"]}
        assert all(("mL" in text) == (form == "solution") for text in texts), texts
    assert len({s["id"] for s in statements}) == len(statements)


def test_a_formulation_change_to_ir_tablets_never_shares_the_key_of_a_plan_line_of_ir_tablets():
    def oxycodone(release, units):
        return {
            "drug": "oxycodone",
            "release": release,
            "form": "tablet",
            "unit": "mg",
            "daily_dose": 10,
            "administrations": {"08:00": units},
        }

    step = {
        "index": 5,
        "start_date": "2027-05-24",
        "medications": [
            oxycodone("ER", [{"strength": 5, "count": 1, "release": "IR", "form": "tablet"}]),
            oxycodone("IR", [{"strength": 5, "count": 1}]),
        ],
    }

    items = scheduled_items(_lines(step))["08:00"]

    assert [item.product for item in items] == ["oxycodone IR tablet", "oxycodone IR tablet"]
    assert len({item.line_key for item in items}) == 2
