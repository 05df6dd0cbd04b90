"""The de-identified research export of a clinic, for its admin.

Only patients whose latest research choice is "given", and only when at least
`MINIMUM_PARTICIPANTS` of them have said yes. What leaves, and why it cannot be traced back:

- no calendar date at all: every day is counted from the participant's own enrolment day
  (`study_day` 0), and the ZIP's entry timestamps are fixed at 1980-01-01, so nothing tells the
  day of the export (which, with an active participant's last check-in, would give the
  enrolment date back);
- age at enrolment in 10-year bands and the baseline dose in bands, never exact; a taper's
  steps as a percent of that baseline, so the dose cannot be worked back;
- flags as counts per 30-day period, never their days;
- a band shared by fewer than `MINIMUM_PARTICIPANTS` participants is written `suppressed`
  (small cells, as the CMS cell-size suppression policy does);
- new random study ids in every export (two exports cannot be linked), rows sorted by study id
  (not by enrolment order); no names, emails, phone numbers, public ids or free text.
"""

from __future__ import annotations

import io
import secrets
import zipfile
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn, EntryStatus, QuestionnaireResponse
from taperwell.core import csv_safety
from taperwell.medications.selectors import doses_of_record
from taperwell.patients.models import Patient
from taperwell.reports.models import ResearchChoice, ResearchConsent
from taperwell.skills.models import PracticeSession, SessionStatus
from taperwell.tapering.models import IN_FORCE, PlanStatus, TaperPlan
from taperwell.tapering.selectors import schedule_of

if TYPE_CHECKING:
    from taperwell.clinics.models import Clinic

# CMS cell-size suppression policy (ResDAC, https://resdac.org/articles/cms-cell-size-suppression-policy):
# no cell holding a value of 1 to 10 may be shown. Below 11 participants there is no export; a
# band fewer than 11 participants share is suppressed.
MINIMUM_PARTICIPANTS = 11
SUPPRESSED = "suppressed"
PERIOD_DAYS = 30  # flags are counted per period of this many days since enrolment
# A fixed timestamp for every entry of the ZIP (the earliest a ZIP can hold), so the archive does
# not carry the day it was made.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# Baseline dose bands, MME/day: the thresholds are the CDC 2022 guideline's 50 (reassess) and
# 90 (avoid increasing) MME/day (CDC-2022 in taperwell/clinical/data/sources.toml); 200 splits
# the high doses in two, a research convention with no guideline behind it (source = none).
MME_BANDS = ((0, "under 50"), (50, "50-89"), (90, "90-199"), (200, "200 and over"))


class TooFewParticipants(Exception):  # noqa: N818 (a refusal, read by the page)
    """Fewer participants than the export may hold; nothing is written."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} participants; at least {MINIMUM_PARTICIPANTS} are needed")
        self.count = count


_DAY = "Days since this participant's enrolment (0 = the day they enrolled)."
# file → [(column, meaning)]; also written out as the data dictionary.
DICTIONARY: dict[str, list[tuple[str, str]]] = {
    "participants.csv": [
        ("study_id", "Random id for this export only; new ids in every export."),
        (
            "age_band",
            "Age at enrolment in 10-year bands (e.g. 50-59); '90+' for 90 and over; "
            "'unknown' if no date of birth; 'suppressed' if fewer than 11 participants share it.",
        ),
        ("status", "Enrolment status: invited, active, maintenance, left."),
        ("wants_to_taper", "The patient's answer when enrolled: true, false or empty (unsure)."),
        (
            "baseline_mme_band",
            "Daily dose at the start of the latest approved taper plan, in MME, as a band: "
            "under 50, 50-89, 90-199, 200 and over; empty without a plan; 'suppressed' if "
            "fewer than 11 participants share it.",
        ),
        (
            "taper_status",
            "State of the latest approved plan: approved, paused, completed, or empty.",
        ),
        ("taper_steps", "Number of steps in that plan."),
        (
            "dose_now_mme_band",
            "The dose of record on the export day (the plan's step in force, else the medicine "
            "list), in MME, as a band like baseline_mme_band; 'unknown' when no dose can be "
            "counted; 'suppressed' if fewer than 11 participants share it.",
        ),
    ],
    "taper_steps.csv": [
        ("study_id", "As in participants.csv."),
        ("step", "Step number in the plan."),
        ("study_day", f"{_DAY} The step starts on this day."),
        ("percent_of_baseline", "Daily dose on that step, as a whole percent of the baseline."),
        ("change_percent", "Change from the step before, percent."),
        ("paused", "true when the step is a pause."),
    ],
    "checkins.csv": [
        ("study_id", "As in participants.csv."),
        ("study_day", _DAY),
        ("pain", "0-10, 10 worst."),
        ("sleep", "0-10, 10 best."),
        ("mood", "0-10, 10 best."),
        ("withdrawal", "0-10, 10 worst."),
        ("craving", "0-10, 10 worst."),
        ("prn_doses", "As-needed doses taken that day."),
    ],
    "questionnaires.csv": [
        ("study_id", "As in participants.csv."),
        ("study_day", f"{_DAY} The day answered."),
        ("instrument", "peg, phq9, gad7 or sows."),
        ("instrument_version", "The version scored."),
        ("total", "Total score."),
        ("band", "Severity band where the instrument has bands."),
    ],
    "flag_counts.csv": [
        ("study_id", "As in participants.csv."),
        (
            "period",
            f"{PERIOD_DAYS}-day period since enrolment: 1 = days 0-{PERIOD_DAYS - 1}, "
            f"2 = days {PERIOD_DAYS}-{2 * PERIOD_DAYS - 1}, and so on. No flag's day is given.",
        ),
        ("rule", "Coded bump rule (e.g. withdrawal-severe, self-harm)."),
        ("severity", "urgent, high, moderate, info."),
        ("flags", "How many such flags were raised in that period."),
    ],
    "practice.csv": [
        ("study_id", "As in participants.csv."),
        ("study_day", f"{_DAY} The day practised."),
        ("practice", "Coded practice (slug)."),
        ("minutes", "Minutes practised."),
    ],
}
NOTES = [
    (
        "no calendar dates",
        "No calendar date appears in any file: days are counted from each participant's own "
        "enrolment, and every file in the ZIP carries the same fixed timestamp (1980-01-01).",
    ),
    (
        "minimum size",
        f"The export is refused below {MINIMUM_PARTICIPANTS} participants, and a band shared by "
        f"fewer than {MINIMUM_PARTICIPANTS} is written 'suppressed', after the CMS cell-size "
        "suppression policy (no cell of 1 to 10).",
    ),
]


def age_band(born: date | None, on: date) -> str:
    if born is None:
        return "unknown"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age >= 90:
        return "90+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def mme_band(mme: float | int | str | None) -> str:
    if mme in (None, ""):
        return ""
    value = float(mme)  # type: ignore[arg-type]
    return [label for low, label in MME_BANDS if value >= low][-1]


def consenting_patients(clinic: Clinic) -> Iterable[Patient]:
    latest = ResearchConsent.objects.filter(patient=OuterRef("pk")).order_by("-recorded_at", "-pk")
    return (
        Patient.objects.filter(clinic=clinic)
        .annotate(research=Subquery(latest.values("choice")[:1]))
        .filter(research=ResearchChoice.GIVEN)
    )


def _csv(rows: list[list[Any]], header: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv_safety.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _suppress_small(rows: list[list[Any]], column: int) -> None:
    """Write `suppressed` where a value is shared by fewer than the minimum of participants."""
    counts = Counter(row[column] for row in rows)
    for row in rows:
        if row[column] not in ("", "unknown") and counts[row[column]] < MINIMUM_PARTICIPANTS:
            row[column] = SUPPRESSED


def _band_now(mme: Any) -> str:
    return "unknown" if mme is None else mme_band(mme)


def _percent(mme: Any, baseline: Any) -> int | str:
    try:
        return round(float(mme) / float(baseline) * 100)
    except (TypeError, ValueError, ZeroDivisionError):
        return ""


def research_export(clinic: Clinic) -> bytes:
    """A ZIP of CSV files plus the data dictionary; `TooFewParticipants` below the minimum."""
    patients = list(consenting_patients(clinic))
    if len(patients) < MINIMUM_PARTICIPANTS:
        raise TooFewParticipants(len(patients))
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    ids = {p.pk: f"S{secrets.token_hex(5)}" for p in patients}
    start: dict[int, date] = {
        p.pk: (p.enrolled_at or p.created_at).astimezone(zone).date() for p in patients
    }

    def study_day(pk: int, value: date) -> int:
        return (value - start[pk]).days

    tables: dict[str, list[list[Any]]] = {name: [] for name in DICTIONARY}
    plans: dict[int, TaperPlan] = {}
    for plan in TaperPlan.objects.filter(
        patient__in=patients, status__in=(*IN_FORCE, PlanStatus.COMPLETED)
    ).order_by("approved_at"):
        plans[plan.patient_id] = plan  # the latest wins
    # The same dose every page shows, read for everyone at once.
    records = doses_of_record(patients)
    for p in patients:
        plan = plans.get(p.pk)
        schedule = schedule_of(plan)
        steps = schedule.steps
        baseline = schedule.document.get("baseline_mme_per_day", "")
        tables["participants.csv"].append(
            [
                ids[p.pk],
                age_band(p.date_of_birth, start[p.pk]),
                p.status,
                "" if p.wants_to_taper is None else str(p.wants_to_taper).lower(),
                mme_band(baseline),
                plan.status if plan else "",
                len(steps),
                _band_now(records[p.pk].mme_per_day),
            ]
        )
        for step in steps:
            # The numbers as stored: the export writes what was approved, unrounded.
            stored = step.document
            tables["taper_steps.csv"].append(
                [
                    ids[p.pk],
                    stored.get("index"),
                    study_day(p.pk, step.start),
                    _percent(stored.get("mme_per_day"), baseline),
                    stored.get("change_percent"),
                    str(step.paused).lower(),
                ]
            )
    _suppress_small(tables["participants.csv"], 1)
    _suppress_small(tables["participants.csv"], 4)
    _suppress_small(tables["participants.csv"], 7)
    for c in CheckIn.objects.filter(patient__in=patients, status=EntryStatus.CURRENT):
        tables["checkins.csv"].append(
            [
                ids[c.patient_id],
                study_day(c.patient_id, c.day),
                c.pain,
                c.sleep,
                c.mood,
                c.withdrawal,
                c.craving,
                c.prn_doses,
            ]
        )
    for q in QuestionnaireResponse.objects.filter(patient__in=patients, status=EntryStatus.CURRENT):
        tables["questionnaires.csv"].append(
            [
                ids[q.patient_id],
                study_day(q.patient_id, q.day),
                q.instrument,
                q.instrument_version,
                q.total,
                q.band,
            ]
        )
    flag_counts = Counter(
        (
            ids[f.patient_id],
            max(study_day(f.patient_id, f.day), 0) // PERIOD_DAYS + 1,
            f.rule,
            f.severity,
        )
        for f in Flag.objects.filter(patient__in=patients)
    )
    tables["flag_counts.csv"] = [[*key, n] for key, n in flag_counts.items()]
    for s in PracticeSession.objects.filter(patient__in=patients, status=SessionStatus.DONE):
        tables["practice.csv"].append(
            [ids[s.patient_id], study_day(s.patient_id, s.day), s.practice_slug, s.minutes]
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def write(name: str, text: str) -> None:
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, text)

        for name, columns in DICTIONARY.items():
            # sorted by study id (random), then by day: no row order follows enrolment order
            rows = sorted(
                tables[name], key=lambda row: (row[0], row[1] if isinstance(row[1], int) else 0)
            )
            write(name, _csv(rows, [c for c, _ in columns]))
        write(
            "data_dictionary.csv",
            _csv(
                [[name, c, meaning] for name, cols in DICTIONARY.items() for c, meaning in cols]
                + [["*", topic, meaning] for topic, meaning in NOTES],
                ["file", "column", "meaning"],
            ),
        )
    return buffer.getvalue()
