"""`taperwell taper FILE` and `taperwell bumps FILE`: JSON in, JSON out.

Also the JSON shapes of schedules and flags, so other callers (the web app) store the same
documents the command prints.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from taperwell.clinical.bumps import (
    Baseline,
    BumpInputError,
    CheckIn,
    Flag,
    InstrumentResult,
    check_bumps,
)
from taperwell.clinical.cli_io import fail, print_json, read_json_input
from taperwell.clinical.taper import TaperError, plan_taper
from taperwell.clinical.taper_input import (
    BadInput,
    json_date,
    json_decimal,
    json_list,
    json_object,
    json_text,
    json_whole,
    parse_medication,
    parse_pauses,
    parse_policy,
    parse_strength_overrides,
)
from taperwell.clinical.taper_model import (
    DrugDose,
    Schedule,
    Step,
    UnitDose,
)
from taperwell.clinical.taper_text import describe_step
from taperwell.clinical.taper_units import plain

COMMAND_NAMES: tuple[str, ...] = ("taper", "bumps")


def add_commands(subparsers: Any) -> None:
    """Add `taper` and `bumps` to the `taperwell` parser."""
    taper = subparsers.add_parser(
        "taper",
        help="plan an opioid taper (JSON in, JSON out)",
        description="Plan a taper from a regimen and a policy. FILE is a JSON path or - for stdin.",
    )
    taper.add_argument("file", metavar="FILE")
    taper.set_defaults(func=run_taper)
    bumps = subparsers.add_parser(
        "bumps",
        help="check a patient's check-ins for bumps that need the care team",
        description="Apply the bump rules to check-ins. FILE is a JSON path or - for stdin.",
    )
    bumps.add_argument("file", metavar="FILE")
    bumps.set_defaults(func=run_bumps)


def run_taper(args: argparse.Namespace) -> int:
    try:
        document = read_json_input(args.file)
        print_json(taper_document(document))
    except (BadInput, TaperError, BumpInputError) as error:
        fail(str(error))
    return 0


def run_bumps(args: argparse.Namespace) -> int:
    try:
        document = read_json_input(args.file)
        print_json(bumps_document(document))
    except (BadInput, BumpInputError) as error:
        fail(str(error))
    return 0


def _json_number(value: Decimal) -> int | float:
    value = plain(value)
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------------------------------------
# taper


def taper_document(document: Any) -> dict[str, Any]:
    """Plan the taper a `taperwell taper` input describes and return the output document."""
    from taperwell.clinical.guidelines import load_pack
    from taperwell.clinical.taper_catalogue import pack_mme

    entry = json_object(document, "the input")
    try:
        pack = load_pack(str(entry.get("guideline", "cdc-2022")))
    except LookupError as error:
        raise BadInput(str(error)) from error
    start = json_date(entry.get("start_date"), "start_date")
    overrides = parse_strength_overrides(entry.get("available_strengths"))
    raw_meds = json_list(entry.get("medications"), "medications")
    if not raw_meds:
        raise BadInput("medications must list at least one opioid")
    regimen = [parse_medication(m, i, overrides, pack) for i, m in enumerate(raw_meds)]
    if "policy" not in entry:
        raise BadInput("policy is required")
    policy = parse_policy(entry["policy"], entry.get("rapid"))
    schedule = plan_taper(
        regimen, start, policy, pauses=parse_pauses(entry.get("pauses")), mme=pack_mme(pack)
    )
    result = schedule_document(schedule)
    result["guideline"] = pack.id
    if any(m.drug == "fentanyl" and m.is_patch for m in regimen):
        result["warnings"].append(
            "The 12 mcg/h fentanyl patch delivers 12.5 mcg/h: steps are worked out with 12.5, "
            "and MME is counted with the 12 on the box, as `taperwell mme` counts it."
        )
    return result


def dose_document(dose: DrugDose) -> dict[str, Any]:
    document: dict[str, Any] = {
        "drug": dose.drug,
        "release": dose.release,
        "form": dose.form,
        "daily_dose": _json_number(dose.daily_dose),
        "unit": dose.unit,
        "administrations": {
            a.time: [_unit_document(u) for u in a.units] for a in dose.administrations
        },
    }
    if dose.wear_hours is not None:
        document["wear_hours"] = dose.wear_hours
    if dose.combination is not None:
        document["combination"] = dose.combination
    if dose.as_needed:
        document["as_needed"] = True
    return document


def _unit_document(unit: UnitDose) -> dict[str, Any]:
    document: dict[str, Any] = {
        "strength": _json_number(unit.strength),
        "count": _json_number(unit.count),
    }
    # Units of an added product (a same-drug formulation change) say which product they are.
    if unit.release is not None:
        document["release"] = unit.release
        document["form"] = unit.form
        document["unit"] = unit.unit
    return document


def step_document(step: Step, previous: Step | None = None) -> dict[str, Any]:
    return {
        "index": step.index,
        "kind": step.kind,
        "start_date": step.start.isoformat(),
        "end_date": step.end.isoformat() if step.end else None,
        "mme_per_day": _json_number(step.mme_per_day),
        "change_percent": _json_number(step.change_percent),
        "medications": [dose_document(d) for d in step.doses],
        "notes": list(step.notes),
        "paused": step.paused,
        # Patients read this: always name the medicine, even when the plan has only one.
        "text": describe_step(step, previous=previous, drug_names=True),
    }


def schedule_document(schedule: Schedule) -> dict[str, Any]:
    """The JSON form of a schedule: what `taperwell taper` prints."""
    policy = schedule.policy
    steps: list[dict[str, Any]] = []
    previous: Step | None = None
    for step in schedule.steps:
        steps.append(step_document(step, previous))
        previous = step
    return {
        "baseline_mme_per_day": _json_number(schedule.baseline_mme_per_day),
        "policy": {
            "percent": _json_number(policy.percent),
            "of": policy.of,
            "interval_days": policy.interval_days,
            "target_mme_per_day": _json_number(policy.target_mme_per_day),
            "first_phase": None
            if policy.first_phase is None
            else {
                "percent": _json_number(policy.first_phase.percent),
                "interval_days": policy.first_phase.interval_days,
                "steps": policy.first_phase.steps,
            },
            "allow_halves": policy.allow_halves,
            "allow_formulation_change": policy.allow_formulation_change,
            "as_needed_first": policy.as_needed_first,
            "rapid": policy.rapid,
            "rapid_reason": policy.rapid_reason,
        },
        "steps": steps,
        "warnings": list(schedule.warnings),
    }


# ---------------------------------------------------------------------------------------------
# bumps


def _scale(entry: Mapping[str, Any], key: str, where: str) -> int:
    if key not in entry:
        raise BadInput(f"{where}.{key} is required (0-10)")
    return json_whole(entry[key], f"{where}.{key}")


def _yes_no(entry: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, bool):
        raise BadInput(f"{where}.{key} must be true or false")
    return value


def _checkins(raw: Any) -> list[CheckIn]:
    checkins = []
    for i, item in enumerate(json_list(raw, "checkins")):
        where = f"checkins[{i}]"
        entry = json_object(item, where)
        prn = entry.get("prn_doses")
        checkins.append(
            CheckIn(
                day=json_date(entry.get("date"), f"{where}.date"),
                pain=_scale(entry, "pain", where),
                sleep=_scale(entry, "sleep", where),
                mood=_scale(entry, "mood", where),
                withdrawal=_scale(entry, "withdrawal", where),
                craving=_scale(entry, "craving", where),
                self_harm_thoughts=_yes_no(entry, "self_harm_thoughts", where),
                prn_doses=None if prn is None else json_whole(prn, f"{where}.prn_doses"),
                overdose=_yes_no(entry, "overdose", where),
                naloxone_used=_yes_no(entry, "naloxone_used", where),
                not_prescribed_opioids=_yes_no(entry, "not_prescribed_opioids", where),
            )
        )
    return checkins


def _baseline(raw: Any) -> Baseline:
    if raw is None:
        return Baseline()
    entry = json_object(raw, "baseline")

    def optional(key: str) -> Decimal | None:
        return None if entry.get(key) is None else json_decimal(entry[key], f"baseline.{key}")

    def optional_whole(key: str) -> int | None:
        return None if entry.get(key) is None else json_whole(entry[key], f"baseline.{key}")

    return Baseline(
        pain=optional("pain"),
        peg=optional("peg"),
        phq9=optional_whole("phq9"),
        gad7=optional_whole("gad7"),
        sleep=optional("sleep"),
        prn_per_day=json_whole(entry.get("prn_per_day", 0), "baseline.prn_per_day"),
    )


def _instruments(raw: Any) -> list[InstrumentResult]:
    results = []
    for i, item in enumerate(json_list(raw or [], "instruments")):
        where = f"instruments[{i}]"
        entry = json_object(item, where)
        answers = json_list(entry.get("answers"), f"{where}.answers")
        results.append(
            InstrumentResult(
                day=json_date(entry.get("date"), f"{where}.date"),
                instrument=json_text(entry.get("instrument"), f"{where}.instrument"),
                answers=tuple(json_whole(a, f"{where}.answers") for a in answers),
            )
        )
    return results


def flag_document(flag: Flag) -> dict[str, Any]:
    return flag.as_dict()


def bumps_document(document: Any) -> dict[str, Any]:
    """Apply the bump rules to a `taperwell bumps` input and return the output document."""
    entry = json_object(document, "the input")
    if "checkins" not in entry:
        raise BadInput("checkins is required")
    enrolled = entry.get("enrolled_on")
    every = entry.get("checkin_every_days", 1)
    report = check_bumps(
        today=json_date(entry.get("today"), "today"),
        checkins=_checkins(entry["checkins"]),
        baseline=_baseline(entry.get("baseline")),
        dose_changes=[
            json_date(d, "dose_changes")
            for d in json_list(entry.get("dose_changes", []), "dose_changes")
        ],
        instruments=_instruments(entry.get("instruments")),
        pause_requests=[
            json_date(d, "pause_requests")
            for d in json_list(entry.get("pause_requests", []), "pause_requests")
        ],
        checkin_every_days=json_whole(every, "checkin_every_days"),
        enrolled_on=None if enrolled is None else json_date(enrolled, "enrolled_on"),
    )
    return report.as_dict()
