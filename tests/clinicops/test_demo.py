"""The demo shows monitoring and the remote-monitoring month."""

from __future__ import annotations

import pytest

from taperwell.care.models import Flag
from taperwell.demo.services import demo_load
from taperwell.monitoring.models import MonitoringRecord
from taperwell.monitoring.selectors import monitoring_due
from taperwell.patients.models import Patient
from taperwell.rtm.models import CareTimeEntry
from taperwell.rtm.month import month_bounds
from taperwell.tapering.services import local_today

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_overdue_urine_test_a_pdmp_check_this_week_and_minutes_this_month():
    demo_load()
    counts = (MonitoringRecord.objects.count(), CareTimeEntry.objects.count(), Flag.objects.count())
    demo_load()
    assert counts == (
        MonitoringRecord.objects.count(),
        CareTimeEntry.objects.count(),
        Flag.objects.count(),
    )
    james = Patient.objects.get(full_name="James Carter")
    maria = Patient.objects.get(full_name="Maria Alvarez")
    today = local_today(james.clinic)
    states = {i.kind: i.state.value for i in monitoring_due(james, today=today)}
    assert states["udt"] == "overdue"
    assert Flag.objects.filter(patient=james, rule="monitoring-udt", severity="info").exists()
    pdmp = MonitoringRecord.objects.get(patient=maria, kind="pdmp")
    assert (today - pdmp.done_on).days < 7
    first, last = month_bounds(today.year, today.month)
    assert CareTimeEntry.objects.filter(patient=maria, on__gte=first, on__lte=last).exists()


def test_the_demo_has_a_transition_to_treatment_decision_for_bob_not_maria():
    from taperwell.tapering.models import TaperEvent, TaperEventKind

    demo_load()
    demo_load()
    decisions = TaperEvent.objects.filter(kind=TaperEventKind.TREATMENT)
    assert decisions.count() == 1
    decision = decisions.get()
    assert decision.plan.patient.full_name == "Robert Williams"
    assert decision.details["step"] == "transition"
    assert decision.details["medicine"] == "buprenorphine"
