"""The demo patients' naloxone plans. Idempotent.

Maria keeps naloxone at home that expires in three weeks (so the renewal reminder is due);
the other patients have not answered yet, so their medicines page asks when naloxone is advised.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from taperwell.checkins.selectors import clinic_today
from taperwell.clinics.models import Clinic
from taperwell.medications.models import NaloxonePlan
from taperwell.patients.models import Patient

EXPIRES_IN_DAYS = 21
PLANS = {
    "maria@example.org": {
        "has_naloxone": True,
        "kept_where": "Kitchen drawer, left of the sink",
        "someone_knows": True,
    },
}


@transaction.atomic
def load(clinic: Clinic) -> None:
    today = clinic_today(clinic)
    for patient in Patient.objects.filter(clinic=clinic, user__email__in=list(PLANS)):
        NaloxonePlan.objects.get_or_create(
            patient=patient,
            defaults={
                **PLANS[patient.user.email],
                "expires_on": today + timedelta(days=EXPIRES_IN_DAYS),
            },
        )
