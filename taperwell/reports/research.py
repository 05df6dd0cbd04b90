"""The de-identified research export of a clinic, for its admin.

Only patients whose latest research choice is "given". Each export draws new random study ids
(so two exports cannot be linked) and a random date shift per patient of 1 to 2 years back, so
the intervals between a patient's dates stay true while no real date appears. No names, emails,
phone numbers, public ids or free text leave; age is a 10-year band.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import OuterRef, Subquery

from taperwell.care.models import Flag
from taperwell.checkins.models import CheckIn, EntryStatus, QuestionnaireResponse
from taperwell.core import csv_safety
from taperwell.patients.models import Patient
from taperwell.reports.models import ResearchChoice, ResearchConsent
from taperwell.skills.models import PracticeSession, SessionStatus
from taperwell.tapering.models import IN_FORCE, PlanStatus, TaperPlan

_random = secrets.SystemRandom()

# file → [(column, meaning)]; also written out as the data dictionary.
DICTIONARY: dict[str, list[tuple[str, str]]] = {
    "participants.csv": [
        ("study_id", "Random id for this export only; new ids in every export."),
        (
            "age_band",
            "Age in 10-year bands (e.g. 50-59) on the day of export; 'unknown' if no "
            "date of birth; '90+' for 90 and over.",
        ),
        ("status", "Enrolment status: invited, active, paused, discharged."),
        ("wants_to_taper", "The patient's answer when enrolled: true, false or empty (unsure)."),
        ("enrolled_day", "Day of enrolment, shifted (see shifted dates)."),
        (
            "taper_baseline_mme",
            "Daily dose at the start of the latest approved taper plan, in MME.",
        ),
        (
            "taper_status",
            "State of the latest approved plan: approved, paused, completed, or empty.",
        ),
        ("taper_steps", "Number of steps in that plan."),
    ],
    "taper_steps.csv": [
        ("study_id", "As in participants.csv."),
        ("step", "Step number in the plan."),
        ("start_day", "Shifted day the step starts."),
        ("mme_per_day", "Daily dose on that step, MME."),
        ("change_percent", "Change from the step before, percent."),
        ("paused", "true when the step is a pause."),
    ],
    "checkins.csv": [
        ("study_id", "As in participants.csv."),
        ("day", "Shifted day of the check-in."),
        ("pain", "0-10, 10 worst."),
        ("sleep", "0-10, 10 best."),
        ("mood", "0-10, 10 best."),
        ("withdrawal", "0-10, 10 worst."),
        ("craving", "0-10, 10 worst."),
        ("prn_doses", "As-needed doses taken that day."),
    ],
    "questionnaires.csv": [
        ("study_id", "As in participants.csv."),
        ("day", "Shifted day answered."),
        ("instrument", "peg, phq9, gad7 or sows."),
        ("instrument_version", "The version scored."),
        ("total", "Total score."),
        ("band", "Severity band where the instrument has bands."),
    ],
    "flags.csv": [
        ("study_id", "As in participants.csv."),
        ("day", "Shifted day the flag was raised for."),
        ("rule", "Coded bump rule (e.g. withdrawal-severe)."),
        ("severity", "urgent, high, moderate, info."),
        ("status", "open, acknowledged, resolved."),
    ],
    "practice.csv": [
        ("study_id", "As in participants.csv."),
        ("day", "Shifted day practised."),
        ("practice", "Coded practice (slug)."),
        ("minutes", "Minutes practised."),
    ],
}
SHIFT_DAYS = (366, 730)  # every date moves back by a random number of days in this range


def age_band(born: date | None, on: date) -> str:
    if born is None:
        return "unknown"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age >= 90:
        return "90+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def consenting_patients(clinic: Any) -> Iterable[Patient]:
    latest = ResearchConsent.objects.filter(patient=OuterRef("pk")).order_by("-recorded_at", "-pk")
    return (
        Patient.objects.filter(clinic=clinic)
        .annotate(research=Subquery(latest.values("choice")[:1]))
        .filter(research=ResearchChoice.GIVEN)
        .order_by("?")  # row order must not follow names or enrolment order
    )


def _csv(rows: list[list[Any]], header: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv_safety.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def research_export(clinic: Any, *, today: date) -> bytes:
    """A ZIP of CSV files plus the data dictionary."""
    patients = list(consenting_patients(clinic))
    ids = {p.pk: f"S{secrets.token_hex(5)}" for p in patients}
    shift = {p.pk: timedelta(days=_random.randint(*SHIFT_DAYS)) for p in patients}

    def day(pk: int, value: date | None) -> str:
        return (value - shift[pk]).isoformat() if value else ""

    tables: dict[str, list[list[Any]]] = {name: [] for name in DICTIONARY}
    plans: dict[int, TaperPlan] = {}
    for plan in TaperPlan.objects.filter(
        patient__in=patients, status__in=(*IN_FORCE, PlanStatus.COMPLETED)
    ).order_by("approved_at"):
        plans[plan.patient_id] = plan  # the latest wins
    for p in patients:
        plan = plans.get(p.pk)
        steps = (plan.schedule or {}).get("steps", []) if plan else []
        tables["participants.csv"].append(
            [
                ids[p.pk],
                age_band(p.date_of_birth, today),
                p.status,
                "" if p.wants_to_taper is None else str(p.wants_to_taper).lower(),
                day(p.pk, p.enrolled_at.date() if p.enrolled_at else None),
                (plan.schedule or {}).get("baseline_mme_per_day", "") if plan else "",
                plan.status if plan else "",
                len(steps),
            ]
        )
        for step in steps:
            tables["taper_steps.csv"].append(
                [
                    ids[p.pk],
                    step.get("index"),
                    day(p.pk, date.fromisoformat(step["start_date"])),
                    step.get("mme_per_day"),
                    step.get("change_percent"),
                    str(bool(step.get("paused"))).lower(),
                ]
            )
    for c in CheckIn.objects.filter(patient__in=patients, status=EntryStatus.CURRENT).order_by(
        "patient_id", "day"
    ):
        tables["checkins.csv"].append(
            [
                ids[c.patient_id],
                day(c.patient_id, c.day),
                c.pain,
                c.sleep,
                c.mood,
                c.withdrawal,
                c.craving,
                c.prn_doses,
            ]
        )
    for q in QuestionnaireResponse.objects.filter(
        patient__in=patients, status=EntryStatus.CURRENT
    ).order_by("patient_id", "day"):
        tables["questionnaires.csv"].append(
            [
                ids[q.patient_id],
                day(q.patient_id, q.day),
                q.instrument,
                q.instrument_version,
                q.total,
                q.band,
            ]
        )
    for f in Flag.objects.filter(patient__in=patients).order_by("patient_id", "day"):
        tables["flags.csv"].append(
            [ids[f.patient_id], day(f.patient_id, f.day), f.rule, f.severity, f.status]
        )
    for s in PracticeSession.objects.filter(
        patient__in=patients, status=SessionStatus.DONE
    ).order_by("patient_id", "day"):
        tables["practice.csv"].append(
            [ids[s.patient_id], day(s.patient_id, s.day), s.practice_slug, s.minutes]
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, columns in DICTIONARY.items():
            archive.writestr(name, _csv(tables[name], [c for c, _ in columns]))
        archive.writestr(
            "data_dictionary.csv",
            _csv(
                [[name, c, meaning] for name, cols in DICTIONARY.items() for c, meaning in cols]
                + [
                    [
                        "*",
                        "shifted dates",
                        f"Every date of a participant is moved back by the "
                        f"same random number of days ({SHIFT_DAYS[0]}-{SHIFT_DAYS[1]}), different "
                        "for each participant; intervals within a participant are true.",
                    ]
                ],
                ["file", "column", "meaning"],
            ),
        )
    return buffer.getvalue()
