"""The approved schedule of a taper plan, read once into typed, frozen values.

`TaperPlan.schedule` stores the JSON document a clinician approved (the engine's
`cli_taper.schedule_document`). This module is the only reader of its steps: everything else asks
a `PlanSchedule` which step applies on a day, what it gives in MME, and what comes next.

It imports no other app, so every app may use it (`tapering.selectors.schedule_of` is the name
to call).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taperwell.tapering.models import TaperPlan


@dataclass(frozen=True)
class PlanStep:
    """One approved step: from `start` until `end` (open-ended when `end` is None)."""

    position: int  # 0-based place in the schedule
    index: int  # the step's own number, as the engine wrote it (1-based)
    kind: str
    start: date
    end: date | None
    mme_per_day: Decimal | None
    change_percent: Decimal | None
    paused: bool
    text: str
    # The step as stored, for templates and documents that show it as it was approved.
    document: Mapping[str, Any]

    @property
    def changes_dose(self) -> bool:
        """Whether the step changed a dose (the first step and held steps do not)."""
        return bool(self.change_percent)

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PlanSchedule:
    """A typed view of an approved schedule document; empty when nothing was approved."""

    steps: tuple[PlanStep, ...]
    baseline_mme_per_day: Decimal | None
    document: Mapping[str, Any]

    def __bool__(self) -> bool:
        return bool(self.document)

    def step_on(self, day: date) -> PlanStep | None:
        """The step in force on `day`: it has started and not yet ended."""
        for step in self.steps:
            if step.covers(day):
                return step
        return None

    def mme_on(self, day: date) -> Decimal | None:
        """The MME/day of the step in force on `day` (None when no step is)."""
        step = self.step_on(day)
        return step.mme_per_day if step is not None else None

    def latest_started(self, day: date) -> PlanStep | None:
        """The last step that began on or before `day`, even when it has since ended (where a
        finished plan left the patient)."""
        found = None
        for step in self.steps:
            if step.start <= day:
                found = step
        return found

    def next_step(self, day: date) -> PlanStep | None:
        """The first step that begins after `day`."""
        for step in self.steps:
            if step.start > day:
                return step
        return None

    def following(self, day: date) -> PlanStep | None:
        """What comes next on `day`: the step after the one in force, or (before the plan
        starts, or in a gap) the first step still to begin."""
        current = self.step_on(day)
        return self.next_step(day) if current is None else self.after(current)

    def after(self, step: PlanStep) -> PlanStep | None:
        """The step that follows `step` in the schedule."""
        following = step.position + 1
        return self.steps[following] if following < len(self.steps) else None

    @property
    def first_day(self) -> date | None:
        return self.steps[0].start if self.steps else None

    @property
    def last_step(self) -> PlanStep | None:
        return self.steps[-1] if self.steps else None

    @property
    def ends_paused(self) -> bool:
        """A paused plan holds its last step open: the dose continues until resumed."""
        return bool(self.steps and self.steps[-1].paused)

    def dose_change_days(self) -> tuple[date, ...]:
        """The days on which a step changed a dose."""
        return tuple(step.start for step in self.steps if step.changes_dose)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _step(position: int, document: Mapping[str, Any]) -> PlanStep:
    start = _date(document["start_date"])
    if start is None:
        raise ValueError(f"step {position + 1} of the schedule has no start date")
    return PlanStep(
        position=position,
        index=int(document.get("index", position + 1)),
        kind=str(document.get("kind", "")),
        start=start,
        end=_date(document.get("end_date")),
        mme_per_day=_decimal(document.get("mme_per_day")),
        change_percent=_decimal(document.get("change_percent")),
        paused=bool(document.get("paused")),
        text=str(document.get("text", "")),
        document=document,
    )


def step_from_document(document: Mapping[str, Any]) -> PlanStep:
    """One stored step as read by the pages (`plan_steps_for_patient`'s "current" or "next")."""
    return _step(int(document.get("index", 1)) - 1, document)


def schedule_from_document(document: Mapping[str, Any] | None) -> PlanSchedule:
    """Read a schedule document (stored, or just built by the engine before it is saved)."""
    document = document or {}
    return PlanSchedule(
        steps=tuple(_step(i, step) for i, step in enumerate(document.get("steps", []))),
        baseline_mme_per_day=_decimal(document.get("baseline_mme_per_day")),
        document=document,
    )


def schedule_of(plan: TaperPlan | None) -> PlanSchedule:
    """The approved schedule of `plan` (a `TaperPlan`, or None for no plan: an empty schedule).

    Read once per loaded plan: the pages ask for it several times in one request (the dose of
    record, the steps, the charts). The reading is kept on the plan object itself, so it lives
    no longer than the request that loaded the row, and is read again when `plan.schedule` is
    replaced (services assign a new document; none changes one in place)."""
    if plan is None:
        return schedule_from_document(None)
    document = plan.schedule
    read = plan.__dict__.get(_READ)
    if read is not None and read[0] is document:
        return read[1]  # type: ignore[no-any-return]
    schedule = schedule_from_document(document)
    plan.__dict__[_READ] = (document, schedule)
    return schedule


_READ = "_schedule_read"
