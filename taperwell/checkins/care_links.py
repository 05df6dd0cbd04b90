"""What the check-in pages need from the other apps (taper plan, medicines, skills), and the
flags and bump rules they ask of the care team.

The check-in app sits below care in the dependency order (docs/architecture.md): it asks for a
flag with the `flag_requested` signal and for the bump rules with `checkin_saved`, which the care
app receives. Signals are synchronous: the flag is stored in the same transaction as the entry.
A flag nobody receives is an error, never a quiet log line (a self-harm flag must never go
unraised).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from taperwell.checkins.signals import checkin_saved
from taperwell.core.prepared import Prepared
from taperwell.medications import selectors as medications_selectors
from taperwell.patients.models import Patient
from taperwell.patients.signals import flag_requested, send_required
from taperwell.skills import selectors as skills_selectors
from taperwell.tapering import selectors as tapering_selectors
from taperwell.tapering import services as tapering_services
from taperwell.tapering.models import PauseRequest, PauseRequestStatus
from taperwell.tapering.wording import steps_in_language

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.tapering.models import TaperPlan

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
    send_required(
        flag_requested,
        sender="checkins",
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
    raise_flag(
        patient=patient,
        day=day,
        rule=SELF_HARM_RULE,
        severity="urgent",
        reason=reason,
        action="crisis",
        source=source,
    )


def evaluate_bumps_soon(*, patient: Patient) -> None:
    """Ask the care app to queue the bump rules for the background worker, so saving a check-in
    stays fast. Called once the entry is committed; a failure here must never lose it, so it is
    logged.

    The urgent self-harm flag never waits for this: it is raised with the entry itself.
    """
    try:
        send_required(checkin_saved, sender="checkins", patient=patient)
    except Exception:
        logger.exception("could not queue the bump rules for patient %s", patient.pk)


def current_plan(patient: Patient) -> TaperPlan | None:
    return tapering_selectors.current_plan(patient)


def plan_steps(
    plan: TaperPlan | None, *, today: date, language: str | None = None
) -> dict[str, Any] | None:
    """The plan's steps for the patient's pages, worded in `language` (the active one)."""
    if plan is None:
        return None
    steps = tapering_selectors.plan_steps_for_patient(plan, today=today)
    return steps_in_language(steps, language=language or get_language())


def plan_step_doses(plan: TaperPlan | None, *, today: date) -> dict[str, Any] | None:
    """The plan's steps for a page that shows their doses and dates but none of their words
    (Today). They are not worded again in the reader's language, which costs a Spanish reader's
    page every step of the plan; and each step comes without its "text", so a page that starts
    to show a step's words has to read them through `plan_steps`."""
    if plan is None:
        return None
    steps = tapering_selectors.plan_steps_for_patient(plan, today=today)

    def bare(step: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if step is None else {k: v for k, v in step.items() if k != "text"}

    return {
        **steps,
        "current": bare(steps["current"]),
        "next": bare(steps["next"]),
        "steps": [bare(step) for step in steps["steps"]],
    }


def active_medications(patient: Patient) -> list[Any]:
    return list(medications_selectors.active_medications(patient))


def is_tapering(patient: Patient) -> bool:
    """Whether an approved (or paused) plan is in force."""
    return current_plan(patient) is not None


def pause_request_create(*, patient: Patient, reason: str, by: User) -> PauseRequest:
    return tapering_services.pause_request_create(patient=patient, reason=reason, by=by)


def open_pause_request(patient: Patient) -> PauseRequest | None:
    """The patient's latest pause request that no clinician has answered yet, or None."""
    return _OPEN_PAUSE_REQUEST.first(patient=patient.pk)


def _open_pause_request_query(*, patient: int) -> QuerySet[PauseRequest]:
    return PauseRequest.objects.filter(patient_id=patient, status=PauseRequestStatus.OPEN).order_by(
        "-created_at"
    )[:1]


# Compiled once per process (core.prepared): the check-in's saved page asks on every visit.
_OPEN_PAUSE_REQUEST = Prepared(_open_pause_request_query, patient=int)


def practice_minutes_by_day(patient: Patient, *, start: date, end: date) -> dict[date, int]:
    """Minutes of practice a day, from the skills log, when it exists."""
    return skills_selectors.practice_minutes_on_days_practiced(patient, start, end)


NALOXONE_RENEW_DAYS = 30  # the same month's notice the reminder sweep gives


def naloxone_card(
    patient: Patient, *, tapering: bool, today: date, record: Any = None
) -> dict[str, Any] | None:
    """The naloxone plan card: shown when the clinical core recommends naloxone, or once the
    patient has told us they keep some (so they can keep its expiry date up to date).
    `record`: today's dose of record, when the page has it already."""
    plan = medications_selectors.naloxone_plan_of(patient)
    if not (plan and plan.has_naloxone):
        # Only here does the card wait on the core's advice (a review of every medicine): one
        # who keeps naloxone sees the card whatever the advice.
        advice = medications_selectors.naloxone_advice(patient, tapering=tapering, record=record)
        if not (advice and advice.recommended):
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
    return {"plan": plan, "expiry": expiry}
