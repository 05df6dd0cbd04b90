"""Reads of check-ins and questionnaires, for the patient's pages and for the care team."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import JSONField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject

from taperwell.checkins.models import CheckIn, EntryStatus, QuestionnaireResponse
from taperwell.clinical import bumps
from taperwell.clinics.models import Clinic
from taperwell.clinics.selectors import clinic_today as clinic_today  # the one; called here too
from taperwell.core.json_rows import json_rows
from taperwell.core.prepared import Prepared
from taperwell.patients.models import Patient
from taperwell.tapering.schedule import PlanSchedule

BASELINE_DAYS = 7


def current_checkins(patient: Patient) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(patient=patient, status=EntryStatus.CURRENT)


def current_questionnaires(patient: Patient) -> QuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.filter(patient=patient, status=EntryStatus.CURRENT)


def _checkin_on_query(patient: int, day: date) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(patient_id=patient, day=day, status=EntryStatus.CURRENT)
        .select_related("activity_done")
        .order_by("-id")[:1]
    )


# Read on every check-in form and saved screen: its SQL is written once per process.
_CHECKIN_ON: Prepared[CheckIn] = Prepared(_checkin_on_query, patient=int, day=date)


def checkin_on(patient: Patient, day: date) -> CheckIn | None:
    """The day's current check-in (the day has at most one), with the step done that day."""
    return _CHECKIN_ON.first(patient=patient.pk, day=day)


@dataclass(frozen=True)
class DayCheckIn:
    """The scales of a day's check-in that a page reads back (`checkin_on_column`)."""

    pain: int | None
    mood: int | None
    withdrawal: int | None
    craving: int | None


def checkin_on_column(day: date) -> Subquery:
    """For a query of patients: their current check-in of `day` as a JSON object of the scales
    in `DayCheckIn`, or None (`day_checkin_of` reads it back)."""
    return Subquery(
        CheckIn.objects.filter(patient=OuterRef("pk"), day=day, status=EntryStatus.CURRENT).values(
            scales=JSONObject(**{f.name: f.name for f in fields(DayCheckIn)})
        )[:1],
        output_field=JSONField(),
    )


def day_checkin_of(scales: dict[str, Any] | None) -> DayCheckIn | None:
    return DayCheckIn(**scales) if scales is not None else None


def last_checkin_days(patient_ids: Iterable[int]) -> dict[int, date]:
    """The latest current check-in day of each patient, in one query (for the care dashboard)."""
    rows = (
        CheckIn.objects.filter(patient_id__in=list(patient_ids), status=EntryStatus.CURRENT)
        .values("patient_id")
        .annotate(last=Max("day"))
    )
    return {row["patient_id"]: row["last"] for row in rows}


def baseline_for(patient: Patient) -> bumps.Baseline | None:
    """The patient's values before anything changed: the first PEG, PHQ-9 and GAD-7, and the
    mean pain and sleep of the first week of check-ins. None when there is nothing yet."""
    firsts: dict[str, QuestionnaireResponse] = {}
    for response in (
        current_questionnaires(patient)
        .filter(instrument__in=["peg", "phq9", "gad7"])
        .order_by("day", "id")
    ):
        firsts.setdefault(response.instrument, response)
    first_day = current_checkins(patient).order_by("day").values_list("day", flat=True).first()
    pain = sleep = None
    if first_day is not None:
        week = list(
            current_checkins(patient)
            .filter(day__lt=first_day + timedelta(days=BASELINE_DAYS))
            .values_list("pain", "sleep")
        )
        pain = _mean([p for p, _ in week])
        sleep = _mean([s for _, s in week])
    if not firsts and pain is None:
        return None
    return bumps.Baseline(
        pain=pain,
        peg=firsts["peg"].total if "peg" in firsts else None,
        phq9=int(firsts["phq9"].total) if "phq9" in firsts else None,
        gad7=int(firsts["gad7"].total) if "gad7" in firsts else None,
        sleep=sleep,
    )


def checkins_for_rules(
    patient: Patient, *, since: date | None = None, until: date | None = None
) -> list[bumps.CheckIn]:
    """Current check-ins as the bump rules read them, oldest first.

    With `since`, the last check-in before it is kept too, so a gap that began earlier still
    shows as missed check-ins.
    """
    rows = current_checkins(patient).order_by("day")
    if until is not None:
        rows = rows.filter(day__lte=until)
    if since is not None:
        before = rows.filter(day__lt=since).order_by("-day")[:1]
        rows = rows.filter(day__gte=since) | rows.filter(pk__in=before.values("pk"))
    return [
        bumps.CheckIn(
            day=c.day,
            pain=c.pain,
            sleep=c.sleep,
            mood=c.mood,
            withdrawal=c.withdrawal,
            craving=c.craving,
            self_harm_thoughts=c.self_harm_thoughts,
            prn_doses=c.prn_doses,
            overdose=c.overdose,
            naloxone_used=c.naloxone_used,
            not_prescribed_opioids=c.not_prescribed_opioids,
        )
        for c in rows.only(
            "day",
            "pain",
            "sleep",
            "mood",
            "withdrawal",
            "craving",
            "self_harm_thoughts",
            "prn_doses",
            "overdose",
            "naloxone_used",
            "not_prescribed_opioids",
        )
    ]


def instruments_for_rules(
    patient: Patient, *, until: date | None = None
) -> list[bumps.InstrumentResult]:
    rows = current_questionnaires(patient).order_by("day", "id")
    if until is not None:
        rows = rows.filter(day__lte=until)
    return [
        bumps.InstrumentResult(day=r.day, instrument=r.instrument, answers=tuple(r.answers))
        for r in rows.only("day", "instrument", "answers")
    ]


def _mean(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"))


# Questionnaires: how often each is asked, by default (a clinic may change it; see
# QuestionnaireSchedule). PEG weekly; SOWS weekly while tapering; PHQ-9 and GAD-7 every 4 weeks.
DEFAULT_SCHEDULE: dict[str, tuple[int, bool]] = {
    "peg": (7, False),
    "sows": (7, True),
    "phq9": (28, False),
    "gad7": (28, False),
}
QUESTIONNAIRE_ORDER = ("peg", "sows", "phq9", "gad7")


SCHEDULE_FIELDS = ("clinic_id", "instrument", "every_days", "only_while_tapering", "active")


def schedule_for(clinic: Clinic) -> dict[str, tuple[int, bool]]:
    """Instrument → (every how many days, only while tapering), the clinic's rows over defaults."""
    return schedules_for([clinic.pk])[clinic.pk]


def schedules_for(clinic_ids: Iterable[int]) -> dict[int, dict[str, tuple[int, bool]]]:
    """`schedule_for` of several clinics in one query (the reminder sweep reads a chunk)."""
    from taperwell.checkins.models import QuestionnaireSchedule

    ids = set(clinic_ids)
    rows: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for row in QuestionnaireSchedule.objects.filter(clinic_id__in=ids).values(*SCHEDULE_FIELDS):
        rows[row["clinic_id"]].append(row)
    return {pk: schedule_of(clinic_rows) for pk, clinic_rows in rows.items()}


def schedule_column() -> Subquery:
    """For a query of patients: their clinic's questionnaire schedule rows as one JSON column
    (`schedule_of` reads it back). Clinic configuration, read afresh with the patient's row."""
    from taperwell.checkins.models import QuestionnaireSchedule

    return json_rows(
        QuestionnaireSchedule.objects.filter(clinic=OuterRef("clinic_id")),
        by="clinic",
        **{name: name for name in SCHEDULE_FIELDS},
    )


def schedule_of(rows: Iterable[Mapping[str, Any]] | None) -> dict[str, tuple[int, bool]]:
    """Instrument → (every how many days, only while tapering): the clinic's rows over the
    defaults. A JSON column's booleans may come back as 0 and 1 (SQLite)."""
    schedule = dict(DEFAULT_SCHEDULE)
    for row in rows or ():
        if row["active"]:
            schedule[row["instrument"]] = (row["every_days"], bool(row["only_while_tapering"]))
        else:
            schedule.pop(row["instrument"], None)
    return schedule


def last_questionnaire_day_columns() -> dict[str, Subquery]:
    """For a query of patients: `last_<instrument>`, the day of the latest current answer of each
    instrument Today may ask for (`questionnaires_due(..., last=)` reads them back)."""
    return {
        f"last_{instrument}": Subquery(
            QuestionnaireResponse.objects.filter(
                patient=OuterRef("pk"), status=EntryStatus.CURRENT, instrument=instrument
            )
            .order_by("-day")
            .values("day")[:1]
        )
        for instrument in QUESTIONNAIRE_ORDER
    }


def last_checkin_day_column() -> Subquery:
    """For a query of patients: the day of their latest current check-in."""
    return Subquery(
        CheckIn.objects.filter(patient=OuterRef("pk"), status=EntryStatus.CURRENT)
        .order_by("-day")
        .values("day")[:1]
    )


def last_questionnaire_days(patient: Patient) -> dict[str, date]:
    rows = current_questionnaires(patient).values("instrument").annotate(last=Max("day")).order_by()
    return {row["instrument"]: row["last"] for row in rows}


def questionnaires_due(
    patient: Patient,
    *,
    today: date,
    tapering: bool,
    last: dict[str, date | None] | None = None,
    schedule: dict[str, tuple[int, bool]] | None = None,
) -> list[str]:
    """Instruments the patient is due to answer today, in a gentle order (short ones first).
    `last`: the latest day of each instrument, when already read (`last_questionnaire_day_columns`);
    `schedule`: the clinic's schedule, when already read (`schedule_column`).
    """
    if schedule is None:
        schedule = schedule_for(patient.clinic)
    answered: Mapping[str, date | None] = (
        last if last is not None else last_questionnaire_days(patient)
    )
    due = []
    for instrument in QUESTIONNAIRE_ORDER:
        if instrument not in schedule:
            continue
        every, only_tapering = schedule[instrument]
        if only_tapering and not tapering:
            continue
        previous = answered.get(instrument)
        if previous is None or (today - previous).days >= every:
            due.append(instrument)
    return due


def step_timeline(
    schedule: PlanSchedule, *, today: date, worded: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The approved schedule's steps as dates and words, marked past, now or to come.

    `worded`: the same steps worded in the reader's language (`care_links.plan_steps`); without
    it, the stored English words."""
    texts = [step.get("text", "") for step in worded] if worded else []
    rows = []
    for position, step in enumerate(schedule.steps):
        start, end = step.start, step.end
        when = "past" if end is not None and end < today else "future" if start > today else "now"
        rows.append(
            {
                "start": start,
                "end": end,
                "text": texts[position] if position < len(texts) else step.text,
                "mme": step.document.get("mme_per_day"),  # as approved, unrounded
                "paused": step.paused,
                "when": when,
            }
        )
    return rows
