"""A stored step (`cli_taper.step_document`, as a plan keeps it) in words, in any language.

A plan stores each step's English words when it is drafted. A patient who reads another
language gets the same step worded again from the stored doses, so both say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, cast

from taperwell.clinical.taper_model import Administration, DrugDose, Step, StepKind, UnitDose
from taperwell.clinical.taper_text import describe_step


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _unit(document: Mapping[str, Any]) -> UnitDose:
    return UnitDose(
        strength=_decimal(document["strength"]),
        count=_decimal(document["count"]),
        release=document.get("release"),
        form=document.get("form"),
        unit=document.get("unit"),
    )


def _dose(document: Mapping[str, Any]) -> DrugDose:
    administrations = tuple(
        Administration(time=time, units=tuple(_unit(u) for u in units))
        for time, units in dict(document.get("administrations") or {}).items()
    )
    return DrugDose(
        drug=str(document["drug"]),
        release=document["release"],
        form=str(document["form"]),
        unit=str(document["unit"]),
        daily_dose=_decimal(document["daily_dose"]),
        administrations=administrations,
        wear_hours=document.get("wear_hours"),
        combination=document.get("combination"),
        as_needed=bool(document.get("as_needed", False)),
    )


def step_from_document(document: Mapping[str, Any]) -> Step:
    """The Step a `cli_taper.step_document` was made from (its words aside)."""
    end = document.get("end_date")
    return Step(
        index=int(document["index"]),
        kind=cast(StepKind, document["kind"]),
        start=date.fromisoformat(str(document["start_date"])),
        end=date.fromisoformat(str(end)) if end else None,
        doses=tuple(_dose(d) for d in document.get("medications") or ()),
        mme_per_day=_decimal(document["mme_per_day"]),
        change_percent=_decimal(document["change_percent"]),
        notes=tuple(document.get("notes") or ()),
        paused=bool(document.get("paused", False)),
    )


def step_texts(documents: Sequence[Mapping[str, Any]], *, language: str) -> list[str]:
    """Each stored step's words in `language`, worded as the plan words them (drug names, and
    only the medicine stopped at that step)."""
    texts: list[str] = []
    previous: Step | None = None
    for document in documents:
        step = step_from_document(document)
        texts.append(describe_step(step, previous=previous, drug_names=True, language=language))
        previous = step
    return texts
