"""What goes into a visit summary: one read of everything, for a period, as plain data.

The PDF, the patient's export and the tests all read this; nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from taperwell.care.models import Flag
from taperwell.charts import Series, column, step_line, weekly
from taperwell.checkins.models import CheckIn, EntryStatus, QuestionnaireResponse
from taperwell.checkins.selectors import clinic_today
from taperwell.clinical.formulary import load_formulary
from taperwell.clinical.instruments import highest_total
from taperwell.goals.models import ActivityDone, ActivityStatus, DoneStatus, Goal, GoalStatus
from taperwell.medications.selectors import (
    DoseOfRecord,
    NaloxoneStatus,
    active_medications,
    dose_of_record,
    dose_of_record_series,
    medication_review,
    naloxone_status,
    step_lines,
)
from taperwell.patients.models import Patient
from taperwell.reports import svg
from taperwell.reports.models import VisitNote
from taperwell.skills.selectors import practice_minutes_by_day
from taperwell.tapering.engine import pack_for
from taperwell.tapering.models import TaperPlan
from taperwell.tapering.selectors import PlanSchedule, current_plan, schedule_of

if TYPE_CHECKING:
    from taperwell.clinical.guidelines import GuidelinePack
    from taperwell.medications.models import PatientMedication

# Sections a patient may leave out when they share the summary. "patient" is always there.
# The check-in answers the charts draw, in the order they are read; the day first.
DAILY = ("day", "pain", "withdrawal")

SECTIONS = [
    ("medicines", "My medicines and daily dose (MME)"),
    ("plan", "My taper plan and the steps so far"),
    ("charts", "Charts: dose, pain, mood and worry, withdrawal, practice"),
    ("flags", "Things my care team followed up"),
    ("goals", "My goals and small steps"),
    ("note", "My note for the visit"),
]
# The patient's own summary, in plain words: never the care team's flags or their notes.
PATIENT_SECTIONS = [
    ("medicines", gettext_lazy("My medicines today")),
    ("plan", gettext_lazy("My taper plan ahead")),
    ("checkins", gettext_lazy("My check-ins and practice")),
    ("goals", gettext_lazy("My goals and small steps")),
    ("note", gettext_lazy("My note for the visit")),
]
SECTION_KEYS = list(dict.fromkeys(key for key, _ in (*SECTIONS, *PATIENT_SECTIONS)))
DEFAULT_DAYS = 90


@dataclass
class MedicineRow:
    label: str
    directions: str
    rxcui: str
    as_needed: bool
    replaced: bool = False  # a pre-taper prescription the plan's step stands in for


@dataclass
class Summary:
    patient: Patient
    start: date
    end: date
    today: date
    sections: list[str]
    guideline: str = ""
    medicines: list[MedicineRow] = field(default_factory=list)
    mme: Decimal | None = None
    record: DoseOfRecord | None = None
    naloxone: NaloxoneStatus | None = None
    review: dict[str, Any] | None = None
    plan: TaperPlan | None = None
    steps_so_far: list[dict[str, Any]] = field(default_factory=list)
    next_step: dict[str, Any] | None = None
    charts: list[svg.SvgChart] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)
    note: VisitNote | None = None
    progress: dict[str, Any] = field(default_factory=dict)
    upcoming_steps: list[dict[str, Any]] = field(default_factory=list)

    def has(self, section: str) -> bool:
        return section in self.sections


def visit_summary(
    patient: Patient,
    *,
    start: date | None = None,
    end: date | None = None,
    sections: list[str] | None = None,
    notes: bool = False,
) -> Summary:
    """`notes`: include the care team's notes on flags (clinical notes: only for those who may
    read them, never for the patient)."""
    today = clinic_today(patient.clinic)
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS)
    chosen = [s for s in SECTION_KEYS if sections is None or s in sections]
    summary = Summary(patient=patient, start=start, end=end, today=today, sections=chosen)
    pack = pack_for(patient.clinic)
    summary.guideline = pack.label
    plan = current_plan(patient)
    schedule = schedule_of(plan)
    # The dose of record on the period's last day: the same figure every page shows.
    summary.record = dose_of_record(patient, on=end, pack=pack)
    summary.mme = summary.record.mme_per_day
    summary.naloxone = naloxone_status(patient, today=today)
    if summary.has("medicines"):
        _medicines(summary, pack, tapering=plan is not None)
    if summary.has("plan") and plan is not None:
        summary.plan = plan
        # Staff read each step in the dose of record's short words, not the patient's sentences.
        steps = [
            {**s.document, "compact": "; ".join(line.text for line in step_lines(s.document))}
            for s in schedule.steps
        ]
        summary.steps_so_far = [
            s for s, step in zip(steps, schedule.steps, strict=True) if step.start <= end
        ]
        later = [s for s, step in zip(steps, schedule.steps, strict=True) if step.start > end]
        summary.next_step = later[0] if later else None
        summary.upcoming_steps = later
    if summary.has("charts"):
        summary.charts = _charts(patient, schedule, start=start, end=end, pack=pack)
    if summary.has("flags"):
        summary.flags = _flags(patient, start=start, end=end, notes=notes)
    if summary.has("checkins"):
        summary.progress = _progress(patient, start=start, end=end)
    if summary.has("goals"):
        summary.goals = _goals(patient, start=start, end=end)
    if summary.has("note"):
        summary.note = (
            VisitNote.objects.filter(patient=patient, created_at__date__gte=start)
            .order_by("-created_at")
            .first()
        )
    return summary


def rxcui_of(med: PatientMedication) -> str:
    """The RxNorm ingredient code stored on the row, or the formulary's for its name."""
    if med.rxcui:
        return str(med.rxcui)
    drug = load_formulary().find(med.drug)
    return drug.rxcui if drug is not None else ""


def _medicines(summary: Summary, pack: GuidelinePack, *, tapering: bool) -> None:
    meds = active_medications(summary.patient)
    assert summary.record is not None  # noqa: S101 - set just before
    replaced = summary.record.replaced_ids
    summary.medicines = [
        MedicineRow(m.label, m.directions, rxcui_of(m), m.as_needed, m.pk in replaced) for m in meds
    ]
    result = medication_review(summary.patient, pack, tapering=tapering, record=summary.record)
    summary.review = result.as_dict()
    summary.guideline = result.guideline


def step_marks(schedule: PlanSchedule) -> list[tuple[date, str]]:
    return [(s.start, f"step {s.index}") for s in schedule.steps if s.changes_dose]


def mme_points(
    patient: Patient, *, start: date, end: date, pack: GuidelinePack
) -> list[tuple[date, float | None]]:
    """Daily MME of the dose of record as a step line: each day it may change, held until the
    next, carried to `end`. Days it is unknown leave a gap rather than a guess."""
    records = dose_of_record_series(patient, start=start, end=end, pack=pack)
    days: list[tuple[date, float | None]] = [
        (day, None if r.mme_per_day is None else float(r.mme_per_day)) for day, r in records.items()
    ]
    return step_line(days, end, every_day=True)


def _weekly(
    values: Sequence[tuple[date, float | None]], *, total: bool = False
) -> list[tuple[date, float]]:
    return weekly(values, total=total)


def _week(name: str, points: list[tuple[date, float]]) -> Series:
    """A weekly series: a week with no entries leaves a gap in its line."""
    return Series(name, points, every=7)


def _charts(
    patient: Patient,
    schedule: PlanSchedule,
    *,
    start: date,
    end: date,
    pack: GuidelinePack,
) -> list[svg.SvgChart]:
    marks = step_marks(schedule)
    daily = list(
        CheckIn.objects.filter(
            patient=patient, status=EntryStatus.CURRENT, day__gte=start, day__lte=end
        )
        .order_by("day")
        .values_list(*DAILY)
    )
    answers = list(
        QuestionnaireResponse.objects.filter(
            patient=patient, status=EntryStatus.CURRENT, day__gte=start, day__lte=end
        )
        .order_by("day")
        .values_list("day", "instrument", "total")
    )

    def instrument(key: str) -> list[tuple[date, float]]:
        return [(d, float(t)) for d, i, t in answers if i == key]

    charts = []
    mme = mme_points(patient, start=start, end=end, pack=pack)
    if mme:
        charts.append(
            svg.chart(
                "Daily opioid dose (MME a day), with the dates the dose changed",
                [Series("MME/day", mme)],
                start=start,
                end=end,
                unit=" MME",
                markers=marks,
            )
        )
    charts.append(
        svg.chart(
            "Pain (weekly average of daily check-ins, 0-10) and PEG (0-10)",
            [
                _week("Pain", _weekly(column(daily, "pain", DAILY))),
                Series("PEG", instrument("peg")),
            ],
            start=start,
            end=end,
            y_max=10,
            markers=marks,
        )
    )
    phq9, gad7, sows = highest_total("phq9"), highest_total("gad7"), highest_total("sows")
    charts.append(
        svg.chart(
            f"PHQ-9 (0-{phq9}) and GAD-7 (0-{gad7}) totals",
            [Series("PHQ-9", instrument("phq9")), Series("GAD-7", instrument("gad7"))],
            start=start,
            end=end,
            y_max=max(phq9, gad7),
            markers=marks,
        )
    )
    # SOWS shares the 0-10 axis of the daily withdrawal answer: scaled by its top over 10.
    sows_scale = sows / 10
    charts.append(
        svg.chart(
            f"Withdrawal (weekly average of daily check-ins, 0-10) and SOWS (0-{sows})",
            [
                _week("Withdrawal", _weekly(column(daily, "withdrawal", DAILY))),
                Series(
                    f"SOWS / {sows_scale:g}", [(d, v / sows_scale) for d, v in instrument("sows")]
                ),
            ],
            start=start,
            end=end,
            y_max=10,
            markers=marks,
        )
    )
    minutes = practice_minutes_by_day(patient, start, end)
    charts.append(
        svg.chart(
            "Coping-skill practice (minutes a week)",
            [_week("Minutes", _weekly([(d, float(m)) for d, m in minutes.items()], total=True))],
            start=start,
            end=end,
            unit=" min",
            bars=True,
        )
    )
    return charts


def _progress(patient: Patient, *, start: date, end: date) -> dict[str, Any]:
    """The patient's check-ins and practice in a few plain numbers."""
    days = list(
        CheckIn.objects.filter(
            patient=patient, status=EntryStatus.CURRENT, day__gte=start, day__lte=end
        )
        .order_by("day")
        .values_list("day", "pain", "sleep", "mood")
    )

    def average(rows: list[tuple[Any, ...]], index: int) -> float | None:
        return round(sum(r[index] for r in rows) / len(rows), 1) if rows else None

    first = [r for r in days if r[0] < start + timedelta(days=14)]
    last = [r for r in days if r[0] > end - timedelta(days=14)]
    minutes = practice_minutes_by_day(patient, start, end)
    return {
        "checkins": len(days),
        "pain_first": average(first, 1),
        "pain_last": average(last, 1),
        "sleep_last": average(last, 2),
        "mood_last": average(last, 3),
        "practice_minutes": sum(minutes.values()),
        "practice_days": sum(1 for m in minutes.values() if m),
    }


def _flags(patient: Patient, *, start: date, end: date, notes: bool) -> list[dict[str, Any]]:
    flags = (
        Flag.objects.filter(patient=patient, day__gte=start, day__lte=end)
        .prefetch_related("events__by")
        .order_by("day", "rank")
    )
    rows = []
    for flag in flags:
        handled = [
            {
                "kind": event.get_kind_display(),
                "at": event.at,
                "by": getattr(event.by, "full_name", "") or "",
                "resolution": event.get_resolution_display() if event.resolution else "",
                "note": event.note if notes else "",
            }
            for event in flag.events.all()
            if event.kind in ("acknowledged", "resolved")
        ]
        rows.append(
            {
                "flag": flag,
                "label": flag.rule_label,
                "severity": flag.get_severity_display(),
                "status": flag.get_status_display(),
                "day": flag.day,
                "reason": flag.reason,
                "handled": handled,
            }
        )
    return rows


def _goals(patient: Patient, *, start: date, end: date) -> list[dict[str, Any]]:
    goals = (
        Goal.objects.filter(patient=patient)
        .exclude(status=GoalStatus.ENTERED_IN_ERROR)
        .prefetch_related("activities")
    )
    done: dict[int, int] = {}
    for activity_id in ActivityDone.objects.filter(
        patient=patient, status=DoneStatus.CURRENT, day__gte=start, day__lte=end
    ).values_list("activity_id", flat=True):
        done[activity_id] = done.get(activity_id, 0) + 1
    return [
        {
            "goal": goal,
            "status": goal.get_status_display(),
            "activities": [
                {
                    "title": a.title,
                    "times_per_week": a.times_per_week,
                    "done": done.get(a.pk, 0),
                    "active": a.status == ActivityStatus.ACTIVE,
                }
                for a in goal.activities.all()
            ],
        }
        for goal in goals
    ]
