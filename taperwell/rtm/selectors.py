"""Reads: a patient's (or a clinic's) counts for a calendar month."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum

from taperwell.rtm.models import ActivityKind, CareTimeEntry, EntryStatus
from taperwell.rtm.month import MonthCounts, Rules, Threshold, load_rules, thresholds_reached

if TYPE_CHECKING:
    from taperwell.patients.models import Patient


@lru_cache(maxsize=1)
def rules() -> Rules:
    return load_rules()


@dataclass(frozen=True)
class PatientMonth:
    patient: Patient
    counts: MonthCounts
    reached: list[Threshold]


def _data_days(patient_ids: list[int], first: dt.date, last: dt.date) -> dict[int, set[dt.date]]:
    """Days with patient-reported data: check-ins, questionnaires, practices and doses marked
    taken (entries marked in error, and marks the patient undid, do not count)."""
    from taperwell.checkins.models import CheckIn, QuestionnaireResponse
    from taperwell.checkins.models import EntryStatus as CheckinStatus
    from taperwell.medications.dose_cards import taken_days
    from taperwell.skills.models import PracticeSession, SessionStatus

    days: dict[int, set[dt.date]] = defaultdict(set)
    sources = [
        CheckIn.objects.filter(status=CheckinStatus.CURRENT),
        QuestionnaireResponse.objects.filter(status=CheckinStatus.CURRENT),
        PracticeSession.objects.filter(status=SessionStatus.DONE),
    ]
    for queryset in sources:
        rows = (
            queryset.filter(patient_id__in=patient_ids, day__gte=first, day__lte=last)
            .values_list("patient_id", "day")
            .distinct()
        )
        for patient_id, day in rows:
            days[patient_id].add(day)
    for patient_id, day in taken_days(patient_ids, first, last):
        days[patient_id].add(day)
    return days


def _time(patient_ids: list[int], first: dt.date, last: dt.date) -> dict[int, tuple[int, int]]:
    rows = (
        CareTimeEntry.objects.filter(
            patient_id__in=patient_ids, status=EntryStatus.CURRENT, on__gte=first, on__lte=last
        )
        .values("patient_id")
        .annotate(minutes=Sum("minutes"), calls=Count("pk", filter=Q(kind=ActivityKind.CALL)))
    )
    return {r["patient_id"]: (r["minutes"] or 0, r["calls"]) for r in rows}


def _exchanges(
    patient_ids: list[int], first: dt.date, last: dt.date, zone: zoneinfo.ZoneInfo
) -> dict[int, int]:
    """Message threads in which both the patient and the care team wrote during the month."""
    from taperwell.messaging.models import Message

    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    rows = (
        Message.objects.filter(
            thread__patient_id__in=patient_ids,
            created_at__gte=start,
            created_at__lt=end,
            retracted_at__isnull=True,
        )
        .values_list("thread__patient_id", "thread_id", "from_patient")
        .distinct()
    )
    sides: dict[tuple[int, int], set[bool]] = defaultdict(set)
    for patient_id, thread_id, from_patient in rows:
        sides[(patient_id, thread_id)].add(from_patient)
    counts: dict[int, int] = defaultdict(int)
    for (patient_id, _thread), seen in sides.items():
        if seen == {True, False}:
            counts[patient_id] += 1
    return counts


def month_for_patients(
    patients: list[Patient], *, first: dt.date, last: dt.date, zone: zoneinfo.ZoneInfo
) -> list[PatientMonth]:
    """Each patient's counts for the month, and the thresholds reached; a fixed number of
    queries whatever the number of patients."""
    ids = [p.pk for p in patients]
    days = _data_days(ids, first, last)
    time = _time(ids, first, last)
    exchanges = _exchanges(ids, first, last, zone)
    months = []
    for patient in patients:
        minutes, calls = time.get(patient.pk, (0, 0))
        counts = MonthCounts(
            data_days=len(days.get(patient.pk, ())),
            minutes=minutes,
            calls=calls,
            exchanges=exchanges.get(patient.pk, 0),
        )
        months.append(PatientMonth(patient, counts, thresholds_reached(counts, rules())))
    return months


def care_time_of(patient: Patient, *, first: dt.date, last: dt.date) -> list[CareTimeEntry]:
    return list(
        CareTimeEntry.objects.filter(patient=patient, on__gte=first, on__lte=last).select_related(
            "by", "marked_in_error_by"
        )
    )
