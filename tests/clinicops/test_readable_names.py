"""The guidelines page and clinic outcomes speak in words a clinician reads, not in code."""

from __future__ import annotations

import pytest
from django.utils import timezone

from taperwell.care.models import RULE_LABELS
from taperwell.care.services import flag_raise
from taperwell.clinical.bumps import load_rules

pytestmark = pytest.mark.django_db


def test_the_guidelines_page_shows_methadone_tiers_in_words(client, clinician):
    client.force_login(clinician)
    page = client.get("/clinic/guidelines/").content.decode()
    assert "Tier(" not in page
    assert "Decimal" not in page
    assert "up to 20 mg/day: \N{MULTIPLICATION SIGN}4" in page
    assert "over 60 mg/day: \N{MULTIPLICATION SIGN}12" in page


def test_clinic_outcomes_name_the_rule_not_its_id(client, clinician, patient):
    flag_raise(
        patient=patient,
        rule="withdrawal-severe",
        severity="high",
        reason="Withdrawal 8 of 10 for three days",
        action="pause",
        day=timezone.localdate(),
        source="bump-rules",
    )
    client.force_login(clinician)
    page = client.get("/clinic/outcomes/").content.decode()
    assert "Severe withdrawal" in page
    assert "withdrawal-severe" not in page
    assert ">high<" not in page


def test_every_bump_rule_has_a_name_for_people():
    assert set(load_rules()) <= set(RULE_LABELS)
