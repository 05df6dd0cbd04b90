"""The JSON API at /api/v1/: the patient's own data, and the care team's view of its panel.

Every read of a patient goes through `taperwell.access` (`own_patient_record` or
`patient_for_user`), which scopes it to the caller and writes the audit row, as the pages do.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import AuthenticationError

from taperwell.access import (
    own_patient_record,
    patient_for_user,
    patients_listed,
    patients_visible_to,
    role_of,
)
from taperwell.api import schemas as s
from taperwell.api.auth import AUTH
from taperwell.care.models import Flag, FlagStatus
from taperwell.care.selectors import UNRESOLVED
from taperwell.care.services import flag_acknowledge
from taperwell.checkins import selectors as checkins
from taperwell.checkins.services import checkin_submit, questionnaire_submit
from taperwell.clinical.instruments import InvalidAnswers, UnknownInstrumentError
from taperwell.clinics.models import CARE_ROLES, CLINICAL_ROLES, Role
from taperwell.medications.models import PatientMedication
from taperwell.skills.models import PracticeSession, SessionStatus
from taperwell.tapering.selectors import current_plan, plan_steps_for_patient

if TYPE_CHECKING:
    from taperwell.checkins.models import CheckIn, QuestionnaireResponse
    from taperwell.patients.models import Patient

api = NinjaAPI(
    title="taperwell API",
    version="1",
    description=(
        "The patient's own check-ins, medicines, taper plan and practice log, and the care "
        "team's panel, patients and flags. Authenticate with a personal token "
        "(`Authorization: Bearer tw_...`, made on your account page) or the web session "
        "(with the CSRF token for writes). Every read of a patient's data is audited."
    ),
    auth=AUTH,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": "Not allowed for your role."}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": "Sign in or send a valid token."}, status=401)


ERRORS: dict[int, Any] = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Invalid}
MAX_PAGE = 200


class Page(s.Schema):
    limit: int = s.Field(50, ge=1, le=MAX_PAGE)
    offset: int = s.Field(0, ge=0, le=100_000)


# --- shapes -------------------------------------------------------------------------------


def _checkin(c: CheckIn) -> dict[str, Any]:
    return {
        "id": c.public_id,
        "day": c.day,
        "pain": c.pain,
        "sleep": c.sleep,
        "mood": c.mood,
        "withdrawal": c.withdrawal,
        "craving": c.craving,
        "prn_doses": c.prn_doses,
        "self_harm_thoughts": c.self_harm_thoughts,
        "self_harm_declined": c.self_harm_declined,
        "overdose": c.overdose,
        "naloxone_used": c.naloxone_used,
        "not_prescribed_opioids": c.not_prescribed_opioids,
    }


def _medicine(m: PatientMedication) -> dict[str, Any]:
    return {
        "id": m.public_id,
        "drug": m.drug,
        "rxcui": m.rxcui,
        "label": m.label,
        "directions": m.directions,
        "as_needed": m.as_needed,
        "status": m.status,
        "started_on": m.started_on,
    }


def _step(step: dict[str, Any] | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {
        "index": step.get("index", 0),
        "start_date": step["start_date"],
        "end_date": step.get("end_date"),
        "mme_per_day": step.get("mme_per_day"),
        "change_percent": step.get("change_percent"),
        "paused": bool(step.get("paused")),
        "text": step.get("text", ""),
    }


def _plan(patient: Patient) -> dict[str, Any] | None:
    plan = current_plan(patient)
    if plan is None:
        return None
    schedule = plan.schedule or {}
    return {
        "id": plan.public_id,
        "status": plan.status,
        "approved_at": plan.approved_at,
        "baseline_mme_per_day": schedule.get("baseline_mme_per_day"),
        "steps": [_step(step) for step in schedule.get("steps", [])],
    }


def _flag(f: Flag, patient: Patient) -> dict[str, Any]:
    return {
        "id": f.public_id,
        "patient_id": patient.public_id,
        "rule": f.rule,
        "label": f.rule_label,
        "severity": f.severity,
        "status": f.status,
        "day": f.day,
        "reason": f.reason,
    }


def _checkins(patient: Patient, page: Page) -> list[dict[str, Any]]:
    rows = checkins.current_checkins(patient).order_by("-day")[
        page.offset : page.offset + page.limit
    ]
    return [_checkin(c) for c in rows]


def _medicines(patient: Patient) -> list[dict[str, Any]]:
    rows = PatientMedication.objects.filter(patient=patient).order_by("status", "drug", "pk")
    return [_medicine(m) for m in rows]


def _flags(patient: Patient, status: str | None) -> list[dict[str, Any]]:
    rows = Flag.objects.filter(patient=patient).order_by("rank", "-raised_at")
    rows = rows.filter(status=status) if status else rows.filter(status__in=UNRESOLVED)
    return [_flag(f, patient) for f in rows[:MAX_PAGE]]


# --- everyone ----------------------------------------------------------------------------


@api.get("/me", response={200: s.Me, **ERRORS}, tags=["me"], summary="Who am I")
def me(request: HttpRequest) -> Any:
    user = request.user
    membership = getattr(user, "membership", None)
    patient = getattr(user, "patient", None) if role_of(user) == Role.PATIENT else None
    return {
        "id": user.public_id,
        "email": user.email,
        "full_name": user.full_name,
        "role": role_of(user),
        "clinic": membership.clinic.name if membership else None,
        "patient_id": patient.public_id if patient else None,
    }


# --- the patient's own data ----------------------------------------------------------------

mine = Router(tags=["my data (patients)"])


def _own(request: HttpRequest, what: str, *, write: bool = False) -> Any:
    if role_of(request.user) != Role.PATIENT:
        raise PermissionDenied
    return own_patient_record(request, what=f"API: {what}", write=write)


@mine.get("/today", response={200: s.TodayOut, **ERRORS}, summary="Today at a glance")
def my_today(request: HttpRequest) -> Any:
    patient = _own(request, "today")
    today = checkins.clinic_today(patient.clinic)
    plan = current_plan(patient)
    steps = plan_steps_for_patient(plan, today=today)
    return {
        "today": today,
        "checked_in": checkins.checkin_on(patient, today) is not None,
        "questionnaires_due": checkins.questionnaires_due(
            patient, today=today, tapering=plan is not None
        ),
        "current_step": _step(steps["current"]),
        "next_step": _step(steps["next"]),
        "plan_paused": steps["paused"],
    }


@mine.get("/checkins", response={200: list[s.CheckInOut], **ERRORS}, summary="My check-ins")
def my_checkins(request: HttpRequest, page: Query[Page]) -> Any:
    return _checkins(_own(request, "my check-ins"), page)


@mine.post(
    "/checkins", response={201: s.CheckInSaved, 200: s.CheckInSaved, **ERRORS}, summary="Check in"
)
def my_checkin_create(request: HttpRequest, payload: s.CheckInIn) -> Any:
    patient = _own(request, "check-in", write=True)
    values = payload.dict()
    key = values.pop("idempotency_key")
    try:
        saved = checkin_submit(patient=patient, idempotency_key=key, **values)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    body = {
        "checkin": _checkin(saved.entry),
        "created": saved.created,
        "needs_crisis_help": saved.needs_crisis_help,
        "crisis_line": patient.clinic.crisis_line_number,
    }
    return Status(201 if saved.created else 200, body)


@mine.get(
    "/questionnaires",
    response={200: list[s.QuestionnaireOut], **ERRORS},
    summary="My questionnaire answers",
)
def my_questionnaires(request: HttpRequest, page: Query[Page]) -> Any:
    patient = _own(request, "my questionnaires")
    rows = checkins.current_questionnaires(patient).order_by("-day", "-pk")
    return [_questionnaire(r) for r in rows[page.offset : page.offset + page.limit]]


def _questionnaire(r: QuestionnaireResponse) -> dict[str, Any]:
    return {
        "id": r.public_id,
        "instrument": r.instrument,
        "instrument_version": r.instrument_version,
        "day": r.day,
        "answers": r.answers,
        "total": float(r.total),
        "band": r.band,
    }


@mine.post(
    "/questionnaires",
    response={201: s.QuestionnaireSaved, 200: s.QuestionnaireSaved, **ERRORS},
    summary="Answer a questionnaire",
)
def my_questionnaire_create(request: HttpRequest, payload: s.QuestionnaireIn) -> Any:
    patient = _own(request, "questionnaire", write=True)
    try:
        saved = questionnaire_submit(
            patient=patient,
            instrument=payload.instrument,
            answers=payload.answers,
            idempotency_key=payload.idempotency_key,
        )
    except (InvalidAnswers, UnknownInstrumentError) as error:
        raise ValidationError(str(error)) from error
    body = {
        "questionnaire": _questionnaire(saved.entry),
        "created": saved.created,
        "needs_crisis_help": saved.needs_crisis_help,
        "crisis_line": patient.clinic.crisis_line_number,
    }
    return Status(201 if saved.created else 200, body)


@mine.get(
    "/medicines",
    response={200: s.MyMedicinesOut, **ERRORS},
    summary="My medicines, with the dose of record (what I take today)",
)
def my_medicines(request: HttpRequest) -> Any:
    patient = _own(request, "my medicines")
    return {**_dose_parts(patient), "medicines": _medicines(patient)}


def _dose_parts(patient: Patient) -> dict[str, Any]:
    """The dose of record and the naloxone status, the same figures every page shows."""
    from taperwell.medications.selectors import dose_of_record, naloxone_status

    record = dose_of_record(patient)
    return {
        "dose_of_record": record.as_document(),
        "naloxone": naloxone_status(patient, today=record.on).as_document(),
    }


@mine.get("/plan", response={200: s.PlanOut | None, **ERRORS}, summary="My taper plan")
def my_plan(request: HttpRequest) -> Any:
    return _plan(_own(request, "my taper plan"))


@mine.get("/practice", response={200: list[s.PracticeOut], **ERRORS}, summary="My practice log")
def my_practice(request: HttpRequest, page: Query[Page]) -> Any:
    patient = _own(request, "my practice log")
    rows = PracticeSession.objects.filter(patient=patient, status=SessionStatus.DONE).order_by(
        "-day", "-pk"
    )[page.offset : page.offset + page.limit]
    return [
        {"id": r.public_id, "day": r.day, "practice": r.practice_title, "minutes": r.minutes}
        for r in rows
    ]


# --- the care team ---------------------------------------------------------------------------

care = Router(tags=["care team"])


def _patient(request: HttpRequest, public_id: uuid.UUID, what: str) -> Any:
    """One patient's clinical record: clinicians only (front desk reads the panel list)."""
    return patient_for_user(request, public_id, what=f"API: {what}", roles=CLINICAL_ROLES)


@care.get("/patients", response={200: list[s.PatientOut], **ERRORS}, summary="The clinic's panel")
def patients(request: HttpRequest, page: Query[Page]) -> Any:
    if role_of(request.user) not in CARE_ROLES:
        raise PermissionDenied
    rows = (
        patients_visible_to(request.user)
        .annotate(open_flags=Count("flags", filter=Q(flags__status__in=UNRESOLVED)))
        .order_by("full_name", "pk")[page.offset : page.offset + page.limit]
    )
    shown = list(rows)
    patients_listed(request, shown, what="API: patient list")
    return [
        {
            "id": p.public_id,
            "full_name": p.full_name,
            "preferred_name": p.preferred_name,
            "status": p.status,
            "open_flags": p.open_flags,
        }
        for p in shown
    ]


@care.get(
    "/patients/{public_id}",
    response={200: s.PatientDetailOut, **ERRORS},
    summary="One patient, with the dose of record",
)
def patient_detail(request: HttpRequest, public_id: uuid.UUID) -> Any:
    p = _patient(request, public_id, "patient")
    return {
        "id": p.public_id,
        "full_name": p.full_name,
        "preferred_name": p.preferred_name,
        "status": p.status,
        "open_flags": Flag.objects.filter(patient=p, status__in=UNRESOLVED).count(),
        **_dose_parts(p),
    }


@care.get(
    "/patients/{public_id}/checkins",
    response={200: list[s.CheckInOut], **ERRORS},
    summary="A patient's check-ins",
)
def patient_checkins(request: HttpRequest, public_id: uuid.UUID, page: Query[Page]) -> Any:
    return _checkins(_patient(request, public_id, "check-ins"), page)


@care.get(
    "/patients/{public_id}/medications",
    response={200: list[s.MedicineOut], **ERRORS},
    summary="A patient's medicines",
)
def patient_medications(request: HttpRequest, public_id: uuid.UUID) -> Any:
    return _medicines(_patient(request, public_id, "medicines"))


@care.get(
    "/patients/{public_id}/plan",
    response={200: s.PlanOut | None, **ERRORS},
    summary="A patient's taper plan in force",
)
def patient_plan(request: HttpRequest, public_id: uuid.UUID) -> Any:
    return _plan(_patient(request, public_id, "taper plan"))


@care.get(
    "/patients/{public_id}/flags",
    response={200: list[s.FlagOut], **ERRORS},
    summary="A patient's flags (unresolved unless a status is given)",
)
def patient_flags(
    request: HttpRequest, public_id: uuid.UUID, status: FlagStatus | None = None
) -> Any:
    return _flags(_patient(request, public_id, "flags"), status)


@care.get(
    "/patients/{public_id}/questionnaires",
    response={200: list[s.QuestionnaireOut], **ERRORS},
    summary="A patient's questionnaire answers",
)
def patient_questionnaires(request: HttpRequest, public_id: uuid.UUID, page: Query[Page]) -> Any:
    patient = _patient(request, public_id, "questionnaires")
    rows = checkins.current_questionnaires(patient).order_by("-day", "-pk")
    return [_questionnaire(r) for r in rows[page.offset : page.offset + page.limit]]


class TimelineQuery(s.Schema):
    days: int = s.Field(120, ge=7, le=730)


@care.get(
    "/patients/{public_id}/timeline",
    response={200: s.TimelineOut, **ERRORS},
    summary="A patient's timeline: MME, scores, withdrawal, practice, steps and flags",
)
def patient_timeline(
    request: HttpRequest, public_id: uuid.UUID, query: Query[TimelineQuery]
) -> Any:
    from taperwell.care import timeline

    patient = _patient(request, public_id, "timeline")
    data = timeline.build(patient, today=checkins.clinic_today(patient.clinic), days=query.days)
    return {
        "start": data["start"],
        "today": data["today"],
        "series": [
            {
                "title": chart["series"].title,
                "unit": chart["series"].unit.strip(),
                "summary": chart["series"].summary,
                "points": [
                    {"day": d, "value": v}
                    for d, v in chart["series"].series.points
                    if v is not None
                ],
            }
            for chart in data["charts"]
        ],
        "steps": [
            {
                "day": mark["day"],
                "mme_per_day": float(mark["step"]["mme_per_day"]),
                "change_percent": mark["step"].get("change_percent"),
            }
            for mark in data["steps"]
        ],
        "flags": [
            {
                "day": mark["flag"].day,
                "severity": mark["flag"].severity,
                "rule": mark["flag"].rule,
                "status": mark["flag"].status,
            }
            for mark in data["flags"]
        ],
    }


@care.post(
    "/flags/{public_id}/acknowledge",
    response={200: s.FlagOut, **ERRORS},
    summary="Acknowledge a flag (clinicians)",
)
def flag_ack(request: HttpRequest, public_id: uuid.UUID, payload: s.FlagAck) -> Any:
    if role_of(request.user) not in CLINICAL_ROLES:
        raise PermissionDenied
    flag = Flag.objects.filter(public_id=public_id).select_related("patient").first()
    if flag is None:
        raise Http404
    patient = patient_for_user(
        request, flag.patient.public_id, what="API: acknowledge flag", write=True
    )
    flag = flag_acknowledge(flag=flag, by=request.user, note=payload.note)
    return _flag(flag, patient)


api.add_router("/me", mine)
api.add_router("/", care)

__all__ = ["api", "date"]
