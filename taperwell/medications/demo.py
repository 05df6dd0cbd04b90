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


# Maria marked her doses taken on the dose cards over the last days (not every one: marking is
# optional, and the page never reads a blank as missed), and one as-needed dose.
DOSES_TAKEN = {
    "maria@example.org": {
        # days ago: (scheduled times marked, as-needed doses marked)
        1: (("08:00", "20:00"), 1),
        2: (("08:00", "20:00"), 0),
        3: (("08:00",), 0),
        4: (("08:00", "20:00"), 2),
        6: (("08:00", "20:00"), 0),
    },
}


@transaction.atomic
def load_doses_taken(clinic: Clinic) -> None:
    """After the plans are loaded: each mark is what that day's dose of record said."""
    import uuid
    import zoneinfo
    from datetime import datetime, time

    from taperwell.medications.dose_cards import as_needed_lines, line_key, scheduled_items
    from taperwell.medications.models import DoseLog, DoseSlot
    from taperwell.medications.selectors import dose_of_record_by_day
    from taperwell.medications.services import dose_slot_of

    today = clinic_today(clinic)
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    for patient in Patient.objects.filter(clinic=clinic, user__email__in=list(DOSES_TAKEN)):
        if DoseLog.objects.filter(patient=patient).exists():
            continue
        plan = DOSES_TAKEN[patient.user.email]
        days = {today - timedelta(days=ago): marks for ago, marks in plan.items()}
        records = dose_of_record_by_day(patient, days)
        rows = []
        for day, (times, as_needed) in days.items():
            record = records[day]
            by_time = scheduled_items(record)
            for when in times:
                hours, minutes = (int(p) for p in when.split(":"))
                at = datetime.combine(day, time(hours, minutes), tzinfo=zone) + timedelta(minutes=7)
                key = uuid.uuid4()
                rows += [
                    DoseLog(
                        patient=patient,
                        day=day,
                        slot=dose_slot_of(when),
                        time=when,
                        line_key=item.line_key,
                        drug=item.drug,
                        product=item.product,
                        dose_text=item.dose_text,
                        amount=item.amount,
                        unit=item.unit,
                        taken_at=at,
                        idempotency_key=key,
                    )
                    for item in by_time.get(when, [])
                ]
            for line in as_needed_lines(record)[:1]:
                for n in range(as_needed if line.as_needed_strength else 0):
                    rows.append(
                        DoseLog(
                            patient=patient,
                            day=day,
                            slot=DoseSlot.AS_NEEDED,
                            line_key=line_key(line),
                            drug=line.drug,
                            product=line.name,
                            dose_text=f"{line.as_needed_strength.normalize():f} {line.unit}",
                            amount=line.as_needed_strength,
                            unit=line.unit,
                            taken_at=datetime.combine(day, time(13 + 3 * n, 30), tzinfo=zone),
                            idempotency_key=uuid.uuid4(),
                        )
                    )
        DoseLog.objects.bulk_create(rows)
