"""A pause is always possible: it holds the stored dose and never depends on the engine replanning
the plan's saved inputs (a plan approved under an older engine, or with inputs the engine now asks
more of, can still be paused)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from taperwell.tapering.models import PlanStatus, TaperPlan
from taperwell.tapering.services import plan_approve, plan_draft, plan_revise
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db


def _approved(patient, clinician, start: date) -> TaperPlan:
    oxycodone_er(patient, clinician)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    return plan_approve(plan=plan, by=clinician, agreement="10% a month", today=start)


def test_a_plan_whose_saved_inputs_the_engine_now_refuses_can_still_be_paused(patient, clinician):
    start = date(2026, 1, 5)
    plan = _approved(patient, clinician, start)
    # Saved before the engine asked which release: oxycodone is sold as IR and ER.
    old_inputs = {**plan.inputs}
    old_inputs["medications"] = [
        {k: v for k, v in m.items() if k != "release"} for m in plan.inputs["medications"]
    ]
    TaperPlan.objects.filter(pk=plan.pk).update(inputs=old_inputs)
    plan.refresh_from_db()
    on = start + timedelta(days=45)
    in_force = next(
        s
        for s in plan.schedule["steps"]
        if date.fromisoformat(s["start_date"]) <= on
        and (s["end_date"] is None or on <= date.fromisoformat(s["end_date"]))
    )

    paused = plan_revise(plan=plan, by=clinician, kind="pause", on=on, reason="Hard week")

    assert paused.status == PlanStatus.PAUSED
    last = paused.schedule["steps"][-1]
    assert last["paused"] is True
    assert last["end_date"] is None
    assert last["mme_per_day"] == in_force["mme_per_day"]
    assert "Hard week" in last["notes"][-1]


def test_pausing_keeps_every_step_already_taken_as_it_was(patient, clinician):
    start = date(2026, 1, 5)
    plan = _approved(patient, clinician, start)
    before = plan.schedule["steps"]
    on = start + timedelta(days=70)

    paused = plan_revise(plan=plan, by=clinician, kind="pause", on=on, reason="Visiting family")

    kept = paused.schedule["steps"][:-1]
    assert kept == before[: len(kept)]
    assert all(date.fromisoformat(s["start_date"]) <= on for s in paused.schedule["steps"])
