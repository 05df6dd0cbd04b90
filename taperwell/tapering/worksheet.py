"""Reads for the prescription worksheet: each approved step still to come (or in force), its
products and the units for the days one fill covers. It prepares what a prescriber enters in
their own e-prescribing system; nothing here sends, signs or changes a prescription."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from taperwell.clinical.prescription import (
    WorksheetLine,
    fill_days,
    load_fill_policy,
    worksheet_lines,
)
from taperwell.tapering.models import PrescribingPolicy, TaperPlan
from taperwell.tapering.schedule import schedule_of

if TYPE_CHECKING:
    from taperwell.clinics.models import Clinic


@dataclass(frozen=True)
class WorksheetStep:
    index: int  # the step's own index, as the plan's table shows it
    start: date
    end: date | None
    fill_from: date
    days: int
    lines: tuple[WorksheetLine, ...]
    text: str


def fill_length_for(clinic: Clinic) -> int:
    """The clinic's own fill length, else the project default (28 days, source "none")."""
    policy = PrescribingPolicy.objects.filter(clinic=clinic).first()
    return policy.fill_days if policy is not None else load_fill_policy().days


def worksheet_steps(plan: TaperPlan, *, today: date) -> list[WorksheetStep]:
    """Every approved step not yet over, from the one in force on. Empty for a draft."""
    if not plan.schedule:
        return []
    fill_length = fill_length_for(plan.patient.clinic)
    steps = []
    for planned in schedule_of(plan).steps:
        step, start, end = planned.document, planned.start, planned.end
        days = fill_days(start=start, end=end, today=today, fill_length=fill_length)
        if days == 0:
            continue  # the step is over
        lines = worksheet_lines(step.get("medications", []), days=days)
        if not lines:
            continue  # nothing left to prescribe (the taper ended at this step)
        steps.append(
            WorksheetStep(
                index=int(step["index"]),
                start=start,
                end=end,
                fill_from=max(start, today),
                days=days,
                lines=lines,
                text=step.get("text", ""),
            )
        )
    return steps
