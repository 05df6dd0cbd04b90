"""Calls into the care team's apps (flags, bump rules, taper plan, medicines, skills).

Those apps are separate domains; each call here is one place to read what they offer. They are
always installed: a missing one is a crash, never a quiet log line (a self-harm flag must never
go unraised because an import failed). The imports sit inside the functions because the care
apps import the check-in app's models.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language

from taperwell.patients.models import Patient

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.checkins.models import CheckIn
    from taperwell.tapering.models import PauseRequest, TaperPlan

logger = logging.getLogger(__name__)

SELF_HARM_RULE = "self-harm"
SELF_HARM_NOT_ANSWERED_RULE = "self-harm-not-answered"
OVERDOSE_RULE = "overdose"
NALOXONE_USED_RULE = "naloxone-used"
# The same rule names as the core's bump rules (SAFETY_ANSWERS), so the flag raised with the
# entry and the one the rules find later are one flag (one a rule a day).
NOT_PRESCRIBED_RULE = "non-prescribed-opioids"
NOTE_RISK_RULE = "risk-words-in-check-in"


def raise_flag(
    *,
    patient: Patient,
    day: date,
    rule: str,
    severity: str,
    reason: str,
    action: str,
    source: str = "check-in",
) -> None:
    """A flag for the care team from what the patient answered (the care app stores it once a
    rule a day)."""
    from taperwell.care.services import flag_raise

    flag_raise(
        patient=patient,
        rule=rule,
        severity=severity,
        reason=reason,
        action=action,
        day=day,
        step_date=None,
        source=source,
    )


def raise_self_harm_flag(*, patient: Patient, day: date, reason: str, source: str) -> None:
    """An urgent flag for the care team: the patient reported thoughts of self-harm."""
    from taperwell.care.services import flag_raise

    flag_raise(
        patient=patient,
        rule=SELF_HARM_RULE,
        severity="urgent",
        reason=reason,
        action="crisis",
        day=day,
        step_date=None,
        source=source,
    )


def evaluate_bumps(*, patient: Patient, today: date | None = None) -> None:
    """Run the bump rules over the patient's history; the care app stores new flags.

    A failure here must never lose the check-in that was just saved, so it is logged.
    """
    from taperwell.care.services import bumps_evaluate

    try:
        bumps_evaluate(patient=patient, today=today)
    except Exception:
        logger.exception("bump rules failed for patient %s", patient.pk)


def evaluate_bumps_soon(*, patient: Patient) -> None:
    """Queue the bump rules for the background worker, so saving a check-in stays fast.

    The urgent self-harm flag never waits for this: it is raised with the entry itself.
    """
    from taperwell.care.tasks import evaluate_bumps_later

    try:
        evaluate_bumps_later(patient.pk)
    except Exception:
        logger.exception("could not queue the bump rules for patient %s", patient.pk)


def current_plan(patient: Patient) -> Any | None:
    from taperwell.tapering.selectors import current_plan as select

    return select(patient)


def plan_steps(
    plan: TaperPlan | None, *, today: date, language: str | None = None
) -> dict[str, Any] | None:
    """The plan's steps for the patient's pages, worded in `language` (the active one)."""
    if plan is None:
        return None
    from taperwell.tapering.selectors import plan_steps_for_patient
    from taperwell.tapering.wording import steps_in_language

    steps = plan_steps_for_patient(plan, today=today)
    return steps_in_language(steps, language=language or get_language())


def active_medications(patient: Patient) -> list[Any]:
    from taperwell.medications.selectors import active_medications as select

    return list(select(patient))


def is_tapering(patient: Patient) -> bool:
    """Whether an approved (or paused) plan is in force."""
    return current_plan(patient) is not None


def pause_request_create(*, patient: Patient, reason: str, by: User) -> PauseRequest:
    from taperwell.tapering.services import pause_request_create as create

    return create(patient=patient, reason=reason, by=by)


def open_pause_request(patient: Patient) -> PauseRequest | None:
    """The patient's latest pause request that no clinician has answered yet, or None."""
    from taperwell.tapering.models import PauseRequest, PauseRequestStatus

    return (
        PauseRequest.objects.filter(patient=patient, status=PauseRequestStatus.OPEN)
        .order_by("-created_at")
        .first()
    )


def suggested_practice(
    patient: Patient, *, checkin: CheckIn | None = None, checkin_read: bool = False
) -> dict[str, Any] | None:
    """Today's practice from the skills app: {"title", "minutes", "url", "need", "reason"}, or
    None. `need` is set when the check-in or a flag calls for a particular skill now.
    `checkin_read=True`: `checkin` is today's check-in as already read (None: not yet)."""
    from django.urls import NoReverseMatch, reverse

    from taperwell.skills.selectors import suggestion_for

    try:
        suggestion = suggestion_for(patient, checkin=checkin, checkin_read=checkin_read)
        practice = suggestion.practice
        if getattr(practice, "is_pacer", False):
            url = reverse("skills:pacer")
        else:
            url = reverse("skills:practice", args=[practice.slug])
    except (NoReverseMatch, AttributeError, TypeError):
        return None
    return {
        "title": practice.title,
        "minutes": getattr(practice, "minutes", None),
        "url": url,
        "need": suggestion.need,
        "reason": suggestion.reason,
    }


def practice_minutes_by_day(patient: Patient, *, start: date, end: date) -> dict[date, int]:
    """Minutes of practice a day, from the skills log, when it exists."""
    from taperwell.skills.selectors import practice_minutes_by_day as minutes

    return {day: value for day, value in minutes(patient, start, end).items() if value}


NALOXONE_RENEW_DAYS = 30  # the same month's notice the reminder sweep gives


def naloxone_card(
    patient: Patient, *, tapering: bool, today: date, record: Any = None
) -> dict[str, Any] | None:
    """The naloxone plan card: shown when the clinical core recommends naloxone, or once the
    patient has told us they keep some (so they can keep its expiry date up to date).
    `record`: today's dose of record, when the page has it already."""
    from taperwell.medications.selectors import naloxone_advice, naloxone_plan_of

    plan = naloxone_plan_of(patient)
    advice = naloxone_advice(patient, tapering=tapering, record=record)
    recommended = bool(advice and advice.recommended)
    if not recommended and not (plan and plan.has_naloxone):
        return None
    expiry = None
    if plan and plan.has_naloxone and plan.expires_on:
        days_left = (plan.expires_on - today).days
        if days_left < 0:
            expiry = "expired"
        elif days_left <= NALOXONE_RENEW_DAYS:
            expiry = "soon"
        else:
            expiry = "ok"
    return {"plan": plan, "recommended": recommended, "expiry": expiry}


def next_group_session(patient: Patient) -> dict[str, Any] | None:
    """The next group session for Today, in one query: one the patient said they are going to
    comes first, then the clinic's next one they have not turned down."""
    import zoneinfo

    from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
    from django.urls import reverse
    from django.utils import timezone

    from taperwell.meetings.models import GroupSession, Rsvp, RsvpStatus

    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    mine = Rsvp.objects.filter(session=OuterRef("pk"), patient=patient).values("status")[:1]
    session = (
        GroupSession.objects.filter(
            clinic_id=patient.clinic_id, cancelled_at__isnull=True, starts_at__gte=timezone.now()
        )
        .annotate(my_rsvp=Subquery(mine))
        .filter(Q(my_rsvp__isnull=True) | Q(my_rsvp=RsvpStatus.GOING))
        .annotate(
            going_first=Case(
                When(my_rsvp=RsvpStatus.GOING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("going_first", "starts_at")
        .first()
    )
    if session is None:
        return None
    return {
        "title": session.title,
        # Naive clinic-local time: the date filter would convert an aware one again.
        "starts_local": session.starts_at.astimezone(zone).replace(tzinfo=None),
        "going": session.my_rsvp == RsvpStatus.GOING,
        "url": reverse("meetings:detail", args=[session.public_id]),
    }


def unread_messages(user: User) -> int:
    from taperwell.messaging.selectors import unread_count

    return unread_count(user)
