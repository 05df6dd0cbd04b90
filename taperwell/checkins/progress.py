"""My progress: pain, PEG, mood, PHQ-9, withdrawal, dose, practice and steps over 12 weeks."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.views.decorators.http import require_GET

from taperwell.access import own_patient_record
from taperwell.charts import column, weekly
from taperwell.checkins import care_links, selectors
from taperwell.checkins.charts import Chart, draw, month_change, short_day_words
from taperwell.checkins.models import CheckIn, EntryStatus, QuestionnaireResponse
from taperwell.checkins.progress_html import progress_html
from taperwell.clinical.instruments import highest_total
from taperwell.core.prepared import Prepared
from taperwell.goals.selectors import done_by_day
from taperwell.medications.selectors import load_dose_rows
from taperwell.patients.decorators import patient_page
from taperwell.patients.models import Patient
from taperwell.tapering.selectors import schedule_of

DAYS = 84  # twelve weeks
# The check-in answers Progress draws, in the order `daily_rows` reads them; the day first.
DAILY_COLUMNS = ("day", "pain", "mood", "withdrawal")


# The page's reads, each compiled once per process (core.prepared): building them cost more
# on every request than the database takes to answer them.
def _daily_query(*, patient: int, since: date, today: date) -> QuerySet[CheckIn, Any]:
    return (
        CheckIn.objects.filter(
            patient_id=patient, status=EntryStatus.CURRENT, day__gte=since, day__lte=today
        )
        .order_by("day")
        .values(*DAILY_COLUMNS)
    )


def _answers_query(
    *, patient: int, since: date, today: date
) -> QuerySet[QuestionnaireResponse, Any]:
    return (
        QuestionnaireResponse.objects.filter(
            patient_id=patient, status=EntryStatus.CURRENT, day__gte=since, day__lte=today
        )
        .order_by("day", "pk")  # the same day's answers in the order given
        .values("day", "instrument", "total")
    )


def _last_two_phq9_query(*, patient: int, today: date) -> QuerySet[QuestionnaireResponse, Any]:
    return (
        QuestionnaireResponse.objects.filter(
            patient_id=patient, status=EntryStatus.CURRENT, instrument="phq9", day__lte=today
        )
        .order_by("-day", "-pk")
        .values("total")[:2]
    )


_DAILY = Prepared(_daily_query, patient=int, since=date, today=date)
_ANSWERS = Prepared(_answers_query, patient=int, since=date, today=date)
_LAST_TWO_PHQ9 = Prepared(_last_two_phq9_query, patient=int, today=date)


@functools.cache  # per language: the catalogues are fixed for the life of the process
def _words(language: str | None) -> dict[str, str]:
    """The page's fixed words in one language, looked up once per process and language
    rather than on every request; only words, never a value of the patient's."""
    return {
        "week_of": gettext("Week of %(day)s"),
        "mme_title": gettext("Your daily dose"),
        "mme_summary": gettext(
            "Your daily dose is now %(now)s, from %(then)s twelve weeks ago. It is counted in "
            "morphine milligrams, so different medicines add up. The marks show the days "
            "your dose changed."
        ),
        "mme_label": gettext("Daily dose"),
        "pain_title": gettext("Pain (0 to 10, lower is better)"),
        "pain_name": pgettext("average of", "pain"),
        "mood_title": gettext("Mood (0 to 10, higher is better)"),
        "mood_name": pgettext("average of", "mood"),
        "withdrawal_title": gettext("Withdrawal feelings (0 to 10)"),
        "withdrawal_name": pgettext("average of", "withdrawal score"),
        "weekly": gettext("Weekly average"),
        "peg_name": gettext("PEG: pain and daily life"),
        "phq9_name": gettext("PHQ-9: mood questionnaire"),
        "sows_name": gettext("SOWS: withdrawal questionnaire"),
        "instrument_title": gettext("%(name)s (0 to %(top)s)"),
        "instrument_summary": gettext(
            "Your latest score was %(last)s (lower is better); twelve weeks ago it was %(first)s."
        ),
        "score": gettext("Score"),
        "practice_title": gettext("Practice minutes a week"),
        "practice_summary": gettext(
            "You practiced %(total)s minutes in twelve weeks. Every minute counts."
        ),
        "minutes": gettext("Minutes"),
        "steps_title": gettext("Steps toward your goals, each week"),
        "steps_label": gettext("Steps done"),
    }


def _rows(
    series: list[tuple[date, float]],
    fmt: str = "{:.1f}",
    *,
    week_words: Callable[[date], str] | None = None,
) -> list[tuple[str, str]]:
    """The table's rows of a weekly series: its week ("Week of Nov 3") and its value."""
    words = week_words or _week_words(_words(get_language())["week_of"], short_day_words())
    return [(words(d), fmt.format(v)) for d, v in series]


def _week_words(week_of: str, day_words: Callable[[date], str]) -> Callable[[date], str]:
    """ "Week of Nov 3" for the week of a day, each week worded once for the page (its weekly
    charts share their weeks). It knows only the calendar, never a value."""
    worded: dict[int, str] = {}

    def words(day: date) -> str:
        monday = day.toordinal() - day.weekday()
        text = worded.get(monday)
        if text is None:
            text = worded[monday] = week_of % {"day": day_words(date.fromordinal(monday))}
        return text

    return words


def effort_words(*, checkins: int, minutes: int) -> str:
    """Praise for what the patient does (checking in, practicing), never for symptom noise:
    `checkins` days checked in and `minutes` of practice in the last 30 days."""
    if not checkins and not minutes:
        return ""
    words = {"checkins": checkins, "minutes": minutes}
    if checkins and minutes:
        done = gettext(
            "You checked in on %(checkins)s of the last 30 days and practiced your skills for "
            "%(minutes)s minutes."
        )
    elif checkins:
        done = gettext("You checked in on %(checkins)s of the last 30 days.")
    else:
        done = gettext("You practiced your skills for %(minutes)s minutes.")
    return (
        done % words
        + " "
        + gettext("That is real effort, and it helps you and your care team see what is changing.")
    )


def mood_got_worse(
    patient: Patient, *, today: date, answers: list[tuple[date, str, Decimal]] | None = None
) -> bool:
    """True when the latest PHQ-9 is in a higher band than the one before it. With `answers`
    (`answer_rows`) holding two PHQ-9s, those are the latest two (they are the twelve weeks to
    `today`, oldest first), and nothing more is read."""
    from taperwell.clinical.instruments import get_instrument

    phq9 = [total for _day, key, total in answers or () if key == "phq9"]
    if len(phq9) >= 2:
        totals = [phq9[-1], phq9[-2]]
    else:
        totals = [row["total"] for row in _LAST_TWO_PHQ9.rows(patient=patient.pk, today=today)]
    if len(totals) < 2:
        return False
    spec = get_instrument("phq9")
    labels = [band.label for band in spec.bands]
    latest, before = spec.band_for(totals[0]), spec.band_for(totals[1])
    if latest is None or before is None:
        return False
    return labels.index(latest) > labels.index(before)


def daily_rows(patient: Patient, *, today: date) -> list[tuple[date, int, int, int]]:
    """(day, pain, mood, withdrawal) of each current check-in in the twelve weeks to `today`:
    what the charts draw, and the two months a month's change compares (`month_change`)."""
    since = today - timedelta(days=DAYS)
    return _DAILY.tuples(patient=patient.pk, since=since, today=today)


def answer_rows(patient: Patient, *, today: date) -> list[tuple[date, str, Decimal]]:
    """(day, instrument, total) of each current questionnaire answer in the twelve weeks to
    `today`, oldest first."""
    return _ANSWERS.tuples(patient=patient.pk, since=today - timedelta(days=DAYS), today=today)


def progress_charts(
    patient: Patient,
    *,
    today: date,
    daily: list[tuple[date, int, int, int]] | None = None,
    minutes: dict[date, int] | None = None,
    answers: list[tuple[date, str, Decimal]] | None = None,
) -> list[Chart]:
    """The charts; `daily` (`daily_rows`), `minutes` (practice minutes a day over the twelve
    weeks) and `answers` (`answer_rows`) when the caller has read them already."""
    start = today - timedelta(days=DAYS)
    if daily is None:
        daily = daily_rows(patient, today=today)
    if answers is None:
        answers = answer_rows(patient, today=today)
    plan = care_links.current_plan(patient)
    schedule = schedule_of(plan)
    step_dates = list(schedule.dose_change_days())
    words = short_day_words()
    said = _words(get_language())
    weeks = _week_words(said["week_of"], words)
    charts: list[Chart] = []

    def instrument(key: str) -> list[tuple[date, float]]:
        return [(d, float(t)) for d, i, t in answers if i == key]

    mme = _mme_series(patient, start=start, today=today) if schedule.steps else []
    if mme:
        chart = Chart(
            "mme",
            said["mme_title"],
            said["mme_summary"] % {"now": f"{mme[-1][1]:.0f}", "then": f"{mme[0][1]:.0f}"},
            said["mme_label"],
            [(words(d), f"{v:.0f}") for d, v in mme],
            # A round top (a multiple of 20) so the ticks are whole numbers: 0, 50, 100.
            y_max=max(20, math.ceil(max(v for _, v in mme) * 1.1 / 20) * 20),
        )
        charts.append(
            draw(
                chart, mme, start=start, end=today, markers=step_dates, day_words=words, held=True
            )
        )
    for key, lower in (("pain", True), ("mood", False), ("withdrawal", True)):
        values = [(d, v) for d, v in column(daily, key, DAILY_COLUMNS) if v is not None]
        points = weekly(values, start=start, end=today)
        chart = Chart(
            key,
            said[f"{key}_title"],
            month_change(values, today=today, name=said[f"{key}_name"], lower_is_better=lower),
            said["weekly"],
            _rows(points, week_words=weeks),
            y_max=10,
        )
        charts.append(
            draw(
                chart, points, start=start, end=today, markers=step_dates, every=7, day_words=words
            )
        )
    for key in ("peg", "phq9", "sows"):
        points = instrument(key)
        if not points:
            continue
        y_max = highest_total(key)
        title = said["instrument_title"] % {"name": said[f"{key}_name"], "top": y_max}
        last = points[-1][1]
        first = points[0][1]
        summary = said["instrument_summary"] % {"last": f"{last:g}", "first": f"{first:g}"}
        chart = Chart(
            key,
            title,
            summary,
            said["score"],
            [(words(d), f"{v:g}") for d, v in points],
            y_max,
        )
        charts.append(
            draw(chart, points, start=start, end=today, markers=step_dates, day_words=words)
        )
    if minutes is None:
        minutes = care_links.practice_minutes_by_day(patient, start=start, end=today)
    if minutes:
        points = weekly(sorted(minutes.items()), start=start, end=today, total=True)
        total = sum(minutes.values())
        chart = Chart(
            "practice",
            said["practice_title"],
            said["practice_summary"] % {"total": total},
            said["minutes"],
            _rows(points, "{:.0f}", week_words=weeks),
            y_max=max(max(v for _, v in points), 10),
            bars=True,
        )
        charts.append(draw(chart, points, start=start, end=today, day_words=words))
    done = done_by_day(patient, since=start)
    if done:
        points = weekly(sorted(done.items()), start=start, end=today, total=True)
        steps_done = sum(done.values())
        chart = Chart(
            "steps",
            said["steps_title"],
            ngettext(
                "You did %(n)s small step toward your goals in twelve weeks.",
                "You did %(n)s small steps toward your goals in twelve weeks.",
                steps_done,
            )
            % {"n": steps_done},
            said["steps_label"],
            _rows(points, "{:.0f}", week_words=weeks),
            y_max=max(max(v for _, v in points), 5),
            bars=True,
        )
        charts.append(draw(chart, points, start=start, end=today, day_words=words))
    return charts


def _mme_series(patient: Patient, *, start: date, today: date) -> list[tuple[date, float]]:
    """The dose of record's MME on each day it changed, held to today: the same number the
    care team's pages and the PDFs show (as-needed doses at their most)."""
    from taperwell.medications.selectors import dose_of_record_series

    points: list[tuple[date, float]] = []
    for day, record in dose_of_record_series(patient, start=start, end=today).items():
        if record.mme_per_day is not None:
            points.append((day, float(record.mme_per_day)))
    if points and points[-1][0] != today:
        points.append((today, points[-1][1]))
    return points


@require_GET
@patient_page
def progress(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="my progress")
    today = selectors.clinic_today(patient.clinic)
    # Each read once: the plans and medicines (the plan and the dose chart), the check-ins and
    # the practice minutes (the charts and the words about effort), the questionnaires (their
    # charts and whether mood got worse).
    load_dose_rows(patient)
    daily = daily_rows(patient, today=today)
    answers = answer_rows(patient, today=today)
    minutes = care_links.practice_minutes_by_day(
        patient, start=today - timedelta(days=DAYS), end=today
    )
    month = today - timedelta(days=30)
    charts = progress_charts(patient, today=today, daily=daily, minutes=minutes, answers=answers)
    # Joined here as the template's loop over them wrote them; each escapes its own words.
    figures = mark_safe("".join([f"\n  {chart.figure}\n" for chart in charts]))  # noqa: S308
    page = {
        "figures": figures,
        "today": today,
        "effort": effort_words(
            checkins=sum(1 for row in daily if row[0] > month),
            minutes=sum(v for d, v in minutes.items() if d > month),
        ),
        "mood_worse": mood_got_worse(patient, today=today, answers=answers),
    }
    # The page's own part written in Python (`checkins/progress_html.py`).
    page["content"] = progress_html(
        figures=figures, effort=page["effort"], mood_worse=page["mood_worse"]
    )
    return render(request, "checkins/progress.html", page)
