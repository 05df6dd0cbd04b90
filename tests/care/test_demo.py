"""The demo clinic gives the care team something real to look at."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taperwell.accounts.models import User
from taperwell.care.models import Flag
from taperwell.demo.services import demo_load
from taperwell.medications.models import PatientMedication
from taperwell.tapering.models import PlanStatus, TaperPlan
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_demo_puts_marias_urgent_flag_at_the_top_and_loads_twice_the_same(client):
    demo_load()
    counts = (Flag.objects.count(), PatientMedication.objects.count(), TaperPlan.objects.count())
    demo_load()
    assert counts == (
        Flag.objects.count(),
        PatientMedication.objects.count(),
        TaperPlan.objects.count(),
    )
    assert TaperPlan.objects.filter(status=PlanStatus.PAUSED).count() == 1
    assert TaperPlan.objects.filter(status=PlanStatus.APPROVED).count() >= 2
    doctor = User.objects.get(email="clinician@example.org")
    factories.give_totp(doctor)
    client.force_login(doctor)
    page = client.get(reverse("care:dashboard"), {"scope": "all"}).content.decode()
    rows = page.split("<tbody>")[1]
    assert rows.index("Maria Alvarez") < min(
        rows.index(name) for name in ("James Carter", "Linda Johnson", "Robert Williams")
    )
    maria = Flag.objects.get(rule="self-harm", patient__full_name="Maria Alvarez")
    assert maria.severity == "urgent"
