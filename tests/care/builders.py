"""Builders for the care workspace tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from taperwell.medications.models import PatientMedication


def oxycodone_er(patient, by=None, strength=30) -> PatientMedication:
    return PatientMedication.objects.create(
        patient=patient,
        drug="oxycodone",
        form="tablet",
        release="ER",
        strength=Decimal(strength),
        unit="mg",
        times=["08:00", "20:00"],
        directions="One tablet every 12 hours",
        created_by=by,
    )


def ten_percent_inputs(start: date, drug_inputs=None) -> dict:
    return {
        "guideline": "cdc-2022",
        "start_date": start.isoformat(),
        "medications": drug_inputs
        or [{"drug": "oxycodone", "release": "ER", "strength": "30", "times": ["08:00", "20:00"]}],
        "policy": {
            "percent": "10",
            "interval_days": 28,
            "of": "original",
            "first_phase": False,
            "order": [],
            "pace": "standard",
            "source": "CDC-POCKET-TAPER; CDC-2022",
        },
    }
