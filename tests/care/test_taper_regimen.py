"""The web's medicine list becomes the engine's regimen: brands keep their release, patches need
no times, and as-needed lines are planned with their daily maximum."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from taperwell.tapering.engine import regimen_from_medications, schedule_json


def line(drug: str, strength: str, **fields: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "drug": drug,
        "strength": Decimal(strength),
        "release": "",
        "form": "",
        "unit": "mg",
        "times": [],
        "as_needed": False,
        "max_prn_per_day": None,
    }
    values.update(fields)
    return SimpleNamespace(**values)


def test_a_brand_a_patch_and_an_as_needed_line_are_all_planned_as_entered() -> None:
    regimen = regimen_from_medications(
        [
            line("OxyContin", "20", times=["08:00", "20:00"]),
            line("fentanyl", "12", form="patch", unit="mcg/h"),
            line("oxycodone", "5", release="IR", as_needed=True, max_prn_per_day=2),
            line("gabapentin", "300", times=["08:00"]),
        ]
    )
    assert [m["drug"] for m in regimen] == ["OxyContin", "fentanyl", "oxycodone"]
    assert "times" not in regimen[1]
    assert regimen[2]["max_per_day"] == 2
    document = schedule_json(
        {
            "guideline": "cdc-2022",
            "start_date": date(2027, 1, 4).isoformat(),
            "medications": regimen,
            "policy": {"percent": "10", "interval_days": 28, "of": "original"},
        },
        [],
    )
    first = document["steps"][0]["medications"]
    assert first[0]["release"] == "ER"
    assert first[1]["form"] == "patch"
    # 40 mg oxycodone ER + 12 mcg/h + up to 10 mg oxycodone IR: 60 + 28.8 + 15.
    assert document["baseline_mme_per_day"] == 103.8


def test_an_as_needed_line_without_a_daily_maximum_is_left_out_rather_than_guessed() -> None:
    regimen = regimen_from_medications(
        [line("oxycodone", "5", release="IR", as_needed=True, max_prn_per_day=None)]
    )
    assert regimen == []


def test_the_printed_schedule_names_the_ir_tablets_a_formulation_change_adds(
    client, clinician, patient
) -> None:
    from datetime import timedelta

    from django.urls import reverse

    from taperwell.checkins.selectors import clinic_today
    from taperwell.tapering.models import TaperPlan
    from tests.care.builders import oxycodone_er

    oxycodone_er(patient, clinician, strength=10)  # 10 mg ER twice a day
    client.force_login(clinician)
    starts = clinic_today(patient.clinic) + timedelta(days=7)  # not yet begun: no re-dating
    client.post(
        reverse("tapering:plans", args=[patient.public_id]),
        {"pace": "standard", "start_date": starts.isoformat()},
    )
    plan = TaperPlan.objects.get()
    client.post(reverse("tapering:approve", args=[plan.public_id]), {"agreement": "10% a month"})
    plan.refresh_from_db()
    first = plan.schedule["steps"][0]
    units = [u for m in first["medications"] for us in m["administrations"].values() for u in us]
    assert {"strength": 5, "count": 1, "release": "IR", "form": "tablet", "unit": "mg"} in units
    printable = client.get(reverse("tapering:print", args=[plan.public_id])).content.decode()
    assert "5 mg IR tablet" in printable
