"""Reads for the skills app: practice minutes for charts and the care team, the patient's
summary, and which practice to offer at the right moment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from taperwell.clinics.selectors import clinic_today
from taperwell.core.prepared import Prepared
from taperwell.patients.models import Patient
from taperwell.patients.signals import ask, open_flag_rules_asked
from taperwell.skills.models import FlarePlan, PracticeSession, SessionStatus
from taperwell.skills.practices import PACER_SLUG, Practice, load_practices

if TYPE_CHECKING:
    from taperwell.checkins.models import CheckIn


class CheckInScales(Protocol):
    """What the practice is chosen from: a check-in, or its scales as a page read them
    (`checkins.selectors.DayCheckIn`)."""

    @property
    def pain(self) -> int | None: ...
    @property
    def mood(self) -> int | None: ...
    @property
    def withdrawal(self) -> int | None: ...
    @property
    def craving(self) -> int | None: ...


def _done() -> QuerySet[PracticeSession]:
    return PracticeSession.objects.filter(status=SessionStatus.DONE)


def _minutes_by_day_query(
    *, patient: int, start: date, end: date
) -> QuerySet[PracticeSession, Any]:
    return (
        _done()
        .filter(patient_id=patient, day__gte=start, day__lte=end)
        .values("day")
        .annotate(total=Sum("minutes"))
        .order_by()
    )


# Compiled once per process (core.prepared): Progress and the care team's pages read it often.
_MINUTES_BY_DAY = Prepared(_minutes_by_day_query, patient=int, start=date, end=date)


def practice_minutes_by_day(patient: Patient, start: date, end: date) -> dict[date, int]:
    """Minutes practised on each day from `start` to `end` (both included; 0 on days without).
    One query."""
    rows = _MINUTES_BY_DAY.rows(patient=patient.pk, start=start, end=end)
    minutes = {row["day"]: int(row["total"]) for row in rows}
    return {
        start + timedelta(days=n): minutes.get(start + timedelta(days=n), 0)
        for n in range((end - start).days + 1)
    }


def practice_minutes_on_days_practiced(patient: Patient, start: date, end: date) -> dict[date, int]:
    """`practice_minutes_by_day` without its days of no minutes, in day order: for a chart
    of the days practised, which need not make an entry for each of its days. One query."""
    rows = _MINUTES_BY_DAY.tuples(patient=patient.pk, start=start, end=end)
    minutes = {day: int(total) for day, total in sorted(rows)}
    return {day: value for day, value in minutes.items() if value}


def practice_minutes_by_patient(patient_ids: Iterable[int], since: date) -> dict[int, int]:
    """Minutes practised since `since` (included) for each patient id (0 if none). One query."""
    ids = list(patient_ids)
    rows = (
        _done()
        .filter(patient_id__in=ids, day__gte=since)
        .values("patient_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    totals = {row["patient_id"]: int(row["total"]) for row in rows}
    return {patient_id: totals.get(patient_id, 0) for patient_id in ids}


def recent_sessions(patient: Patient, limit: int = 8) -> list[PracticeSession]:
    return list(_done().filter(patient=patient)[:limit])


def flare_plan_of(patient: Patient) -> FlarePlan | None:
    return FlarePlan.objects.filter(patient=patient).first()


@dataclass(frozen=True)
class PracticeSummary:
    sessions: int
    minutes: int
    days_this_week: int  # of the last 7 days, today included
    streak: int  # days in a row up to today (or up to yesterday, if not yet today)
    last_day: date | None


def practice_summary(patient: Patient, *, today: date) -> PracticeSummary:
    """Totals for kind encouragement. Two queries."""
    totals = _done().filter(patient=patient).aggregate(n=Count("id"), minutes=Sum("minutes"))
    days = set(
        _done()
        .filter(patient=patient, day__gte=today - timedelta(days=120), day__lte=today)
        .values_list("day", flat=True)
        .distinct()
    )
    streak = 0
    cursor = today if today in days else today - timedelta(days=1)
    while cursor in days:
        streak += 1
        cursor -= timedelta(days=1)
    return PracticeSummary(
        sessions=totals["n"] or 0,
        minutes=totals["minutes"] or 0,
        days_this_week=sum(1 for d in days if d > today - timedelta(days=7)),
        streak=streak,
        last_day=max(days) if days else None,
    )


# ---------------------------------------------------------------------------------------------
# At the right moment

# Which practice fits which need. Low mood alternates between savouring and values by day.
NEED_PRACTICES = {
    "withdrawal": (PACER_SLUG,),
    "pain": (PACER_SLUG,),
    "craving": ("urge-surfing",),
    "low-mood": ("savouring", "values"),
}
NEED_REASONS = {
    "withdrawal": _(
        "Withdrawal was hard today. Slow breathing can settle the restlessness while it passes."
    ),
    "pain": _("Pain was high today. Slow breathing can take the edge off and calm your body."),
    "craving": _("Cravings rise and fall like a wave. This practice helps you ride it out."),
    "low-mood": _(
        "Your mood was low. A few minutes on something good or something that matters "
        "can lift the day a little."
    ),
}
# Bump rules (taperwell/clinical/data/bump_rules.toml) and the need each one points to.
FLAG_NEEDS = {
    "withdrawal-severe": "withdrawal",
    "withdrawal-lasting": "withdrawal",
    "withdrawal-expected": "withdrawal",
    "pain-worse": "pain",
    "peg-worse": "pain",
    "craving-high": "craving",
    "mood-low": "low-mood",
    "mood-band-up": "low-mood",
}


@dataclass(frozen=True)
class Suggestion:
    practice: Practice
    need: str | None  # None: simply the practice of the day
    reason: str

    @property
    def title(self) -> str:
        return self.practice.title

    @property
    def minutes(self) -> int:
        return self.practice.minutes

    @property
    def url(self) -> str:
        from django.urls import reverse

        if self.practice.is_pacer:
            return reverse("skills:pacer")
        return reverse("skills:practice", args=[self.practice.slug])


def _thresholds() -> dict[str, int]:
    """The check-in levels that count as high, from the bump rules so both agree."""
    from taperwell.clinical.bumps import load_rules

    rules = load_rules()
    return {
        "withdrawal": rules["withdrawal-severe"].whole("level"),
        "craving": rules["craving-high"].whole("level"),
        # No bump rule sets a daily pain level; 7 matches the other two scales.
        "pain": 7,
        "mood_floor": rules["mood-low"].whole("floor"),
    }


def _need_from_checkin(checkin: CheckInScales) -> str | None:
    levels = _thresholds()
    # Order matters when several are high: withdrawal first, then craving, pain, mood.
    if (getattr(checkin, "withdrawal", None) or 0) >= levels["withdrawal"]:
        return "withdrawal"
    if (getattr(checkin, "craving", None) or 0) >= levels["craving"]:
        return "craving"
    if (getattr(checkin, "pain", None) or 0) >= levels["pain"]:
        return "pain"
    mood = getattr(checkin, "mood", None)
    if mood is not None and mood <= levels["mood_floor"]:
        return "low-mood"
    return None


def _todays_checkin(patient: Patient, today: date) -> CheckIn | None:
    from taperwell.checkins.models import CheckIn, EntryStatus

    return CheckIn.objects.filter(patient=patient, day=today, status=EntryStatus.CURRENT).first()


def _need_from_flags(patient: Patient) -> str | None:
    rules = ask(open_flag_rules_asked, sender="skills", patient=patient, rules=list(FLAG_NEEDS))
    return FLAG_NEEDS[rules[0]] if rules else None


def practice_of_the_day(practices: list[Practice], today: date) -> Practice:
    choices = [p for p in practices if not p.is_lesson] or practices
    return choices[today.toordinal() % len(choices)]


def suggestion_for(
    patient: Patient,
    *,
    checkin: CheckInScales | None = None,
    today: date | None = None,
    checkin_read: bool = False,
    flag_rule: str | None = None,
    flags_read: bool = False,
) -> Suggestion:
    """The practice to offer now, and why. At most two queries (today's check-in, open flags);
    `checkin_read=True`: the caller has read today's check-in already (`checkin`, None if none);
    `flags_read=True`: the caller has read the open flag's rule already (`flag_rule_column`)."""
    today = today or clinic_today(patient.clinic)
    practices = load_practices(patient.clinic.slug)
    by_slug = {p.slug: p for p in practices}
    if checkin is None and not checkin_read:
        checkin = _todays_checkin(patient, today)
    need = _need_from_checkin(checkin) if checkin is not None else None
    if not need:
        need = FLAG_NEEDS.get(flag_rule or "") if flags_read else _need_from_flags(patient)
    if need:
        slugs = NEED_PRACTICES[need]
        slug = slugs[today.toordinal() % len(slugs)]
        fitting = by_slug.get(slug) or next((p for p in practices if need in p.helps), None)
        if fitting is not None:
            return Suggestion(fitting, need, str(NEED_REASONS[need]))
    return Suggestion(
        practice_of_the_day(practices, today), None, str(_("Today's practice, if you'd like one."))
    )


def suggested_practice(patient: Patient, *, checkin: CheckIn | None = None) -> Practice:
    """The fitting practice after a check-in (high withdrawal or pain → the breathing pacer,
    craving → urge surfing, low mood → savouring or values), or from an open care-team flag,
    otherwise the practice of the day. Without `checkin`, today's check-in is used if any."""
    return suggestion_for(patient, checkin=checkin).practice
