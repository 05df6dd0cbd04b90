"""Clinic outcomes: how many tapered by 25% or 50% with pain (PEG) no worse than at the start."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from taperwell.care.outcomes import clinic_outcomes
from taperwell.checkins.models import EntryStatus, QuestionnaireResponse
from taperwell.tapering.models import PlanStatus, TaperPlan
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


def _tapered(clinic, name: str, *, cut_percent: int, pegs: list[float], entered_in_error=()):
    patient = factories.make_patient(clinic, full_name=name)
    baseline = 100
    TaperPlan.objects.create(
        patient=patient,
        status=PlanStatus.APPROVED,
        schedule={
            "baseline_mme_per_day": baseline,
            "steps": [
                {"start_date": "2026-06-01", "mme_per_day": baseline},
                {"start_date": "2026-09-01", "mme_per_day": baseline - cut_percent},
            ],
        },
    )
    for weeks_ago, total in zip(range(len(pegs), 0, -1), pegs, strict=True):
        QuestionnaireResponse.objects.create(
            patient=patient,
            instrument="peg",
            instrument_version="PEG 2009",
            day=TODAY - timedelta(weeks=weeks_ago),
            answers=[int(total)] * 3,
            total=Decimal(str(total)),
            status=EntryStatus.ENTERED_IN_ERROR if weeks_ago in entered_in_error else "current",
        )
    return patient


def test_only_a_deep_enough_taper_with_pain_no_worse_counts(clinic):
    _tapered(clinic, "Held at 30%", cut_percent=30, pegs=[6, 7, 5.67])
    _tapered(clinic, "Held at 60%", cut_percent=60, pegs=[6, 6])
    _tapered(clinic, "Worse pain", cut_percent=60, pegs=[4, 3, 5])
    _tapered(clinic, "Too small a cut", cut_percent=10, pegs=[6, 2])
    _tapered(clinic, "No PEG yet", cut_percent=40, pegs=[])
    # The latest answer was a mistake: the one before it (worse than the start) is the latest.
    _tapered(clinic, "Corrected", cut_percent=50, pegs=[5, 6, 1], entered_in_error={1})

    outcomes = clinic_outcomes(clinic, today=TODAY, days=90)

    assert outcomes["held_25"] == (2, 6)
    assert outcomes["held_50"] == (1, 6)


def test_another_clinics_patients_do_not_count(clinic, other_clinic):
    _tapered(other_clinic, "Elsewhere", cut_percent=60, pegs=[6, 5])
    assert clinic_outcomes(clinic, today=TODAY, days=90)["held_25"] == (0, 0)
