"""Saving check-ins and questionnaires, and what must happen right after (safety, bump rules)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from taperwell.checkins import care_links
from taperwell.checkins.models import (
    CheckIn,
    EntryStatus,
    QuestionnaireResponse,
    TaperReasons,
)
from taperwell.checkins.selectors import clinic_today
from taperwell.clinical.bumps import short_date
from taperwell.clinical.instruments import get_instrument, score
from taperwell.clinical.text_risk import TextRisk, screen_text
from taperwell.core.prepared import Prepared, PreparedInsert, PreparedUpdate
from taperwell.goals.models import Activity
from taperwell.goals.services import activity_mark_done
from taperwell.patients.models import Patient

SUICIDE_RISK_FLAG = "suicide-risk"
CHECKIN_FIELDS = (
    "pain",
    "sleep",
    "mood",
    "withdrawal",
    "craving",
    "withdrawal_signs",
    "prn_doses",
    "self_harm_thoughts",
    "self_harm_declined",
    "overdose",
    "naloxone_used",
    "not_prescribed_opioids",
    "note",
    "activity_text",
)


class HelpNeeded(StrEnum):
    """Which help page a check-in calls for at once (none: an empty string)."""

    OVERDOSE = "overdose"  # an overdose or naloxone given: emergency help first
    SELF_HARM = "self-harm"
    NOT_ANSWERED = "not-answered"  # "I'd rather not say" to the self-harm question


@dataclass(frozen=True)
class Saved:
    entry: CheckIn | QuestionnaireResponse
    created: bool  # False when the same submission arrived twice, or the day's entry was replaced
    needs_crisis_help: bool
    help_needed: str = ""  # a HelpNeeded value
    note_risk: TextRisk | None = None  # a check-in's note, screened once for all who read it


def help_needed_for(values: Any, *, note_risk: TextRisk | None = None) -> str:
    """The most pressing help a check-in's answers call for; `values` is a CheckIn or a dict.
    `note_risk`: its note already screened, if it was."""

    def get(name: str) -> Any:
        return values.get(name) if isinstance(values, dict) else getattr(values, name, None)

    if get("overdose") or get("naloxone_used"):
        return HelpNeeded.OVERDOSE
    if get("self_harm_thoughts"):
        return HelpNeeded.SELF_HARM
    if (note_risk if note_risk is not None else screen_text(get("note") or "")).high:
        return HelpNeeded.SELF_HARM
    if get("self_harm_declined"):
        return HelpNeeded.NOT_ANSWERED
    return ""


def _saved(
    entry: CheckIn, *, created: bool, help_needed: str = "", note_risk: TextRisk | None = None
) -> Saved:
    if note_risk is None:
        note_risk = screen_text(entry.note)
    help_needed = help_needed or help_needed_for(entry, note_risk=note_risk)
    return Saved(
        entry,
        created=created,
        needs_crisis_help=bool(help_needed),
        help_needed=help_needed,
        note_risk=note_risk,
    )


# A "yes" to these is raised with the entry, before the bump rules run in the job queue.
_SAFETY_ANSWER_FLAGS = (
    (
        "overdose",
        care_links.OVERDOSE_RULE,
        "urgent",
        "reported an overdose since the last check-in ({when}); emergency help shown",
    ),
    (
        "naloxone_used",
        care_links.NALOXONE_USED_RULE,
        "urgent",
        "reported naloxone given since the last check-in ({when}); emergency help shown",
    ),
    (
        "not_prescribed_opioids",
        care_links.NOT_PRESCRIBED_RULE,
        "high",
        "reported taking opioids not prescribed to them ({when})",
    ),
)


def _raise_checkin_flags(
    *, patient: Patient, day: date, values: dict[str, Any], note_risk: TextRisk | None = None
) -> None:
    """What the patient told us about their safety reaches the care team with the entry itself,
    never waiting for the background bump rules (which read the same answers too). `note_risk`:
    the note already screened, if it was."""
    when = f"on the check-in of {short_date(day)}"
    if values.get("self_harm_thoughts"):
        care_links.raise_self_harm_flag(
            patient=patient,
            day=day,
            reason=f"answered yes to thoughts of self-harm {when}",
            source="check-in",
        )
    elif values.get("self_harm_declined"):
        care_links.raise_flag(
            patient=patient,
            day=day,
            rule=care_links.SELF_HARM_NOT_ANSWERED_RULE,
            severity="moderate",
            action="call",
            reason=(
                f'chose "I\'d rather not say" to the question about thoughts of self-harm {when}. '
                "This is not a no: a gentle, private question at the next contact may help. "
                "Crisis help was shown."
            ),
        )
    if note_risk is None:
        note_risk = screen_text(values.get("note") or "")
    if note_risk.risky:
        care_links.raise_flag(
            patient=patient,
            day=day,
            rule=care_links.NOTE_RISK_RULE,
            severity="urgent" if note_risk.high else "moderate",
            action="crisis" if note_risk.high else "call",
            reason=(
                f"the note {when} has {note_risk.risk}-risk language ({note_risk.described()})"
                + ("; crisis help shown at once" if note_risk.high else "")
            ),
        )
    for answer, rule, severity, reason in _SAFETY_ANSWER_FLAGS:
        if values.get(answer):
            care_links.raise_flag(
                patient=patient,
                day=day,
                rule=rule,
                severity=severity,
                action="call",
                reason=reason.format(when=when),
            )


def checkin_submit(
    *,
    patient: Patient,
    idempotency_key: uuid.UUID,
    activity: Activity | None = None,
    day: date | None = None,
    with_entry: Callable[[], object] | None = None,
    **values: Any,
) -> Saved:
    """Record today's check-in. The same submission twice records it once; a second check-in the
    same day replaces the first (the day keeps one current entry).

    One transaction saves it. When two taps race past the first look, the database refuses the
    second; that transaction is rolled back whole and a second one shows the winner's entry, so
    no savepoint is needed around the save. `with_entry` is written in whichever transaction
    commits (the request's audit row: `access.own_patient_change`)."""
    day = day or clinic_today(patient.clinic)
    unknown = set(values) - set(CHECKIN_FIELDS)
    if unknown:
        raise TypeError(f"unknown check-in fields: {', '.join(sorted(unknown))}")
    if values.get("self_harm_thoughts") is not None:
        values["self_harm_declined"] = False  # an answer given is never "rather not say"
    if activity is not None and activity.patient_id != patient.pk:
        raise ValueError("That activity belongs to someone else.")
    try:
        return _checkin_save(
            patient=patient,
            idempotency_key=idempotency_key,
            activity=activity,
            day=day,
            values=values,
            with_entry=with_entry,
        )
    except _RacedError as raced:
        return _checkin_raced(
            patient=patient,
            idempotency_key=idempotency_key,
            day=day,
            values=values,
            with_entry=with_entry,
            refused=raced.refused,
        )


class _RacedError(Exception):
    """Another submission saved the day's entry between our look and our save, or so the
    database's refusal (`refused`) suggests: `_checkin_raced` looks for that entry."""

    def __init__(self, refused: IntegrityError) -> None:
        super().__init__(str(refused))
        self.refused = refused


@transaction.atomic
def _checkin_save(
    *,
    patient: Patient,
    idempotency_key: uuid.UUID,
    activity: Activity | None,
    day: date,
    values: dict[str, Any],
    with_entry: Callable[[], object] | None,
) -> Saved:
    if with_entry is not None:
        with_entry()
    # One read, under the lock, for both questions: was this very submission saved already (keys
    # are unique per patient: a key another patient used is no replay of this one), and what is
    # the day's current entry.
    rows = _LOCKED_LOOK.rows(patient=patient.pk, key=idempotency_key, day=day)
    repeat = next((r for r in rows if str(r.idempotency_key) == str(idempotency_key)), None)
    if repeat is not None:
        return _saved(repeat, created=False)
    checkin = next((r for r in rows if r.day == day and r.status == EntryStatus.CURRENT), None)
    created = checkin is None
    if checkin is None:
        checkin = CheckIn(patient=patient, day=day)
    for name, value in values.items():
        setattr(checkin, name, value)
    checkin.activity_done = activity
    checkin.idempotency_key = idempotency_key
    # The database settles uniqueness (and a race between two taps); fields are checked here.
    # The patient and activity were loaded and checked above, so their rows need no second look.
    checkin.full_clean(
        exclude=["patient", "activity_done"], validate_unique=False, validate_constraints=False
    )
    try:
        (_CHECKIN_INSERT if created else _CHECKIN_UPDATE).save(checkin)
    except IntegrityError as error:
        raise _RacedError(error) from error  # out of the transaction, rolled back whole
    if activity is not None:
        activity_mark_done(patient=patient, activity=activity, day=day)
    # The note screened once: for the care team's flag, the help shown and the page after.
    note = values.get("note") or ""
    note_risk = screen_text(note)
    _raise_checkin_flags(patient=patient, day=day, values=values, note_risk=note_risk)
    transaction.on_commit(lambda: care_links.evaluate_bumps_soon(patient=patient))
    # (A replaced entry keeps its earlier note when a submission leaves the note out.)
    return _saved(checkin, created=created, note_risk=note_risk if checkin.note == note else None)


def _locked_look_query(*, patient: int, key: uuid.UUID, day: date) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.select_for_update()
        .filter(patient_id=patient)
        .filter(Q(idempotency_key=key) | Q(day=day, status=EntryStatus.CURRENT))
        .order_by("pk")
    )


# The look every submission makes under the lock, and its write: their SQL written once per
# process, so the lock is held for the database's work, not for building queries.
_LOCKED_LOOK: Prepared[CheckIn] = Prepared(_locked_look_query, patient=int, key=uuid.UUID, day=date)
_CHECKIN_INSERT = PreparedInsert(CheckIn)
_CHECKIN_UPDATE = PreparedUpdate(CheckIn)


@transaction.atomic
def _checkin_raced(
    *,
    patient: Patient,
    idempotency_key: uuid.UUID,
    day: date,
    values: dict[str, Any],
    with_entry: Callable[[], object] | None,
    refused: IntegrityError,
) -> Saved:
    """Two taps raced past the first look: the other one won; show its entry. What this one
    said about safety still reaches the care team and still brings help.

    With no such entry there was no race (a constraint or trigger refused the row for a reason
    of its own): the database's error is raised as it came, not read as someone else's entry."""
    other = (
        CheckIn.objects.filter(patient=patient, idempotency_key=idempotency_key).first()
        or CheckIn.objects.filter(patient=patient, day=day, status=EntryStatus.CURRENT).first()
    )
    if other is None:
        raise refused
    if with_entry is not None:
        with_entry()
    _raise_checkin_flags(patient=patient, day=day, values=values)
    return _saved(other, created=False, help_needed=help_needed_for(values))


@transaction.atomic
def checkin_mark_entered_in_error(*, patient: Patient, checkin: CheckIn, reason: str) -> CheckIn:
    """A wrong entry stays in the record, marked so nothing counts it, with the patient's why."""
    if checkin.patient_id != patient.pk:
        raise ValueError("That check-in belongs to someone else.")
    if not reason.strip():
        raise ValidationError("Say what was wrong with it.")
    checkin.status = EntryStatus.ENTERED_IN_ERROR
    checkin.idempotency_key = None
    checkin.error_reason = reason.strip()[:500]
    checkin.full_clean()
    checkin.save(update_fields=["status", "idempotency_key", "error_reason", "updated_at"])
    transaction.on_commit(lambda: care_links.evaluate_bumps_soon(patient=patient))
    return checkin


@transaction.atomic
def questionnaire_submit(
    *,
    patient: Patient,
    instrument: str,
    answers: list[int],
    idempotency_key: uuid.UUID,
    day: date | None = None,
) -> Saved:
    """Score and store one questionnaire, item by item, with the instrument's version.

    Raises `taperwell.clinical.instruments.InvalidAnswers` for answers that do not fit.
    """
    day = day or clinic_today(patient.clinic)
    repeat = QuestionnaireResponse.objects.filter(
        idempotency_key=idempotency_key, patient=patient
    ).first()
    if repeat is not None:
        return Saved(repeat, created=False, needs_crisis_help=SUICIDE_RISK_FLAG in repeat.flags)
    spec = get_instrument(instrument)
    result = score(spec.id, answers)
    earlier = (
        QuestionnaireResponse.objects.select_for_update()
        .filter(patient=patient, instrument=spec.id, day=day, status=EntryStatus.CURRENT)
        .first()
    )
    if earlier is not None:  # answered again the same day: the new answers replace the old
        earlier.status = EntryStatus.ENTERED_IN_ERROR
        earlier.save(update_fields=["status"])
    response = QuestionnaireResponse(
        patient=patient,
        instrument=spec.id,
        instrument_version=spec.version,
        day=day,
        answers=[int(a) for a in answers],
        total=Decimal(result.total),
        band=result.band or "",
        flags=list(result.flags),
        idempotency_key=idempotency_key,
    )
    response.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        # The same answers sent twice at once: the first one stored them (and raised any flag).
        # With no such first one, the database refused them for a reason of its own: raised.
        repeat = QuestionnaireResponse.objects.filter(
            idempotency_key=idempotency_key, patient=patient
        ).first()
        if repeat is None:
            raise
        return Saved(repeat, created=False, needs_crisis_help=SUICIDE_RISK_FLAG in repeat.flags)
    crisis = SUICIDE_RISK_FLAG in result.flags
    if crisis:
        care_links.raise_self_harm_flag(
            patient=patient,
            day=day,
            reason=(
                f"PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered "
                f"{answers[8]} on {short_date(day)}"
            ),
            source="questionnaire",
        )
    transaction.on_commit(lambda: care_links.evaluate_bumps_soon(patient=patient))
    return Saved(response, created=True, needs_crisis_help=crisis)


@transaction.atomic
def taper_reasons_save(*, patient: Patient, reasons: str) -> TaperReasons:
    record = TaperReasons.objects.filter(patient=patient).first() or TaperReasons(patient=patient)
    record.reasons = reasons.strip()
    record.full_clean()
    record.save()
    return record
