"""What the API sends and accepts. Public ids only; integer keys never leave the server."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from ninja import Field, Schema


class Me(Schema):
    id: uuid.UUID
    email: str
    full_name: str
    role: str | None
    clinic: str | None
    patient_id: uuid.UUID | None = Field(None, description="Your patient record, if you are one.")


class CheckInOut(Schema):
    id: uuid.UUID
    day: date
    pain: int
    sleep: int
    mood: int
    withdrawal: int
    craving: int
    prn_doses: int
    self_harm_thoughts: bool | None
    self_harm_declined: bool
    overdose: bool | None
    naloxone_used: bool | None
    not_prescribed_opioids: bool | None


class CheckInIn(Schema):
    idempotency_key: uuid.UUID = Field(
        description="A new random id per check-in; sending the same one twice records it once."
    )
    pain: int = Field(ge=0, le=10, description="0 no pain, 10 worst")
    sleep: int = Field(ge=0, le=10, description="0 worst, 10 best")
    mood: int = Field(ge=0, le=10, description="0 worst, 10 best")
    withdrawal: int = Field(ge=0, le=10)
    craving: int = Field(ge=0, le=10)
    prn_doses: int = Field(0, ge=0, le=20)
    # The safety answers: null when not asked, never read as "no".
    self_harm_thoughts: bool | None = Field(
        None, description="Thoughts of self-harm: true, false, or null when not asked"
    )
    self_harm_declined: bool = Field(
        False, description='The patient chose "I\'d rather not say"; the care team is told'
    )
    overdose: bool | None = Field(None, description="An overdose since the last check-in")
    naloxone_used: bool | None = Field(None, description="Naloxone given since the last check-in")
    not_prescribed_opioids: bool | None = Field(
        None, description="Opioids not prescribed to the patient taken since the last check-in"
    )


class CheckInSaved(Schema):
    checkin: CheckInOut
    created: bool
    needs_crisis_help: bool = Field(
        description="True when the answers call for crisis help now; show the crisis line."
    )
    crisis_line: str


class QuestionnaireOut(Schema):
    id: uuid.UUID
    instrument: str
    instrument_version: str
    day: date
    answers: list[int]
    total: float
    band: str


class QuestionnaireIn(Schema):
    idempotency_key: uuid.UUID = Field(
        description="A new random id per answer set; sending the same one twice records it once."
    )
    instrument: str = Field(description="peg, phq9, gad7 or sows", max_length=16)
    answers: list[int] = Field(max_length=20, description="Item answers in order")


class QuestionnaireSaved(Schema):
    questionnaire: QuestionnaireOut
    created: bool
    needs_crisis_help: bool = Field(
        description="True when an answer calls for crisis help now (PHQ-9 item 9 above 0)."
    )
    crisis_line: str


class TimelinePoint(Schema):
    day: date
    value: float


class TimelineSeries(Schema):
    title: str
    unit: str
    summary: str
    points: list[TimelinePoint]


class TimelineStep(Schema):
    day: date
    mme_per_day: float
    change_percent: float | None


class TimelineFlag(Schema):
    day: date
    severity: str
    rule: str
    status: str


class TimelineOut(Schema):
    start: date
    today: date
    series: list[TimelineSeries]
    steps: list[TimelineStep]
    flags: list[TimelineFlag]


class MedicineOut(Schema):
    id: uuid.UUID
    drug: str
    rxcui: str
    label: str
    directions: str
    as_needed: bool
    status: str
    started_on: date | None


class DoseUnitOut(Schema):
    strength: float = Field(description="In `unit`: mg a tablet, mg/mL of a solution, mcg/h")
    count: float = Field(description="Tablets or patches, or mL of a solution")
    release: str = Field(description="This unit's product: a formulation change names its own")
    form: str = Field(description="tablet, solution, patch, ...")
    unit: str = Field(description="The strength's unit: mg, mg/mL, mcg/h")


class DoseAdministrationOut(Schema):
    time: str = Field(description="Time of day, HH:MM")
    amount: float = Field(description="The dose at this time, in the line's unit")
    units: list[DoseUnitOut]


class DoseLineOut(Schema):
    drug: str
    release: str
    form: str
    unit: str
    strengths: list[float]
    administrations: list[DoseAdministrationOut]
    daily_dose: float | None = Field(description="Scheduled dose a day; null when as needed")
    as_needed: bool
    as_needed_max_per_day: int | None
    as_needed_daily_max: float | None
    source: str = Field(description="plan or medicines")
    text: str


class DoseOfRecordOut(Schema):
    on: date
    source: str = Field(
        description="plan: the approved plan's step in force; medicines: the medicine list"
    )
    since: date | None
    mme_per_day: float | None = Field(
        description="As-needed doses at their most; null when unknown (never 0 for unknown)"
    )
    plan_id: uuid.UUID | None
    step_index: int | None
    paused: bool
    lines: list[DoseLineOut]
    warnings: list[str]


class NaloxoneOut(Schema):
    state: str = Field(description="at_home, expired, prescribed, none or unknown")
    label: str
    expires_on: date | None
    expires_soon: bool = Field(description="Expires within 30 days")
    on_medicine_list: bool


class MyMedicinesOut(Schema):
    dose_of_record: DoseOfRecordOut
    naloxone: NaloxoneOut
    medicines: list[MedicineOut]


class StepOut(Schema):
    index: int
    start_date: date
    end_date: date | None
    mme_per_day: float | None
    change_percent: float | None
    paused: bool
    text: str


class PlanOut(Schema):
    id: uuid.UUID
    status: str
    approved_at: datetime | None
    baseline_mme_per_day: float | None
    steps: list[StepOut]


class PracticeOut(Schema):
    id: uuid.UUID
    day: date
    practice: str
    minutes: int


class TodayOut(Schema):
    today: date
    checked_in: bool
    questionnaires_due: list[str]
    current_step: StepOut | None
    next_step: StepOut | None
    plan_paused: bool


class FlagOut(Schema):
    id: uuid.UUID
    patient_id: uuid.UUID
    rule: str
    label: str
    severity: str
    status: str
    day: date
    reason: str


class PatientOut(Schema):
    id: uuid.UUID
    full_name: str
    preferred_name: str
    status: str
    open_flags: int


class PatientDetailOut(PatientOut):
    dose_of_record: DoseOfRecordOut
    naloxone: NaloxoneOut


class FlagAck(Schema):
    note: str = Field("", max_length=2000, description="What you did or will do.")


class Problem(Schema):
    detail: str


class Invalid(Schema):
    detail: str | list[dict] = Field(
        description="Why the request was refused: a sentence, or one entry per bad field."
    )
