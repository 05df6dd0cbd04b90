"""`taperwell taper FILE` and `taperwell bumps FILE`: JSON in, JSON out.

Also the JSON shapes of schedules and flags, so other callers (the web app) store the same
documents the command prints.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from taperwell.clinical.bumps import (
    Baseline,
    BumpInputError,
    CheckIn,
    Flag,
    InstrumentResult,
    check_bumps,
)
from taperwell.clinical.cli import BadInput, fail, print_json, read_json_input
from taperwell.clinical.taper import TaperError, plan_taper
from taperwell.clinical.taper_model import (
    AS_NEEDED,
    DrugDose,
    FirstPhase,
    Medication,
    Pause,
    Schedule,
    Step,
    TaperPolicy,
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


# ---------------------------------------------------------------------------------------------
# Input parsing helpers


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(f"{where} must be a JSON object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadInput(f"{where} must be a list")
    return value


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadInput(f"{where} must be a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise BadInput(f"{where} must be a number") from error
    if not number.is_finite():
        raise BadInput(f"{where} must be a number")
    return number


def _whole(value: Any, where: str) -> int:
    number = _number(value, where)
    if number != number.to_integral_value():
        raise BadInput(f"{where} must be a whole number")
    return int(number)


def _date(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise BadInput(f"{where} must be a date like 2027-01-04")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise BadInput(f"{where} must be a date like 2027-01-04, got {value!r}") from error


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{where} must be text")
    return value.strip()


def _time(value: Any, where: str) -> str:
    text = _text(value, where)
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise BadInput(f"{where} must be a time like 08:00, got {text!r}")
    if int(hours) > 23 or int(minutes) > 59:
        raise BadInput(f"{where} must be a time like 08:00, got {text!r}")
    return f"{int(hours):02d}:{minutes}"


def _json_number(value: Decimal) -> int | float:
    value = plain(value)
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------------------------------------
# taper


def _strength_overrides(value: Any) -> dict[str, tuple[Decimal, ...]]:
    if value is None:
        return {}
    table = _object(value, "available_strengths")
    return {
        str(key).casefold(): tuple(
            _number(s, f"available_strengths.{key}") for s in _list(v, f"available_strengths.{key}")
        )
        for key, v in table.items()
    }


def _medication(
    raw: Any, index: int, overrides: Mapping[str, tuple[Decimal, ...]], pack: Any
) -> Medication:
    from taperwell.clinical.taper_catalogue import medication_from_formulary

    where = f"medications[{index}]"
    entry = _object(raw, where)
    drug = _text(entry.get("drug"), f"{where}.drug")
    release = entry.get("release")
    if release is not None and release not in {"IR", "ER"}:
        raise BadInput(f"{where}.release must be IR or ER")
    form = entry.get("form")
    if form is not None:
        form = _text(form, f"{where}.form")
    unit = entry.get("unit")
    if unit is not None:
        unit = _text(unit, f"{where}.unit")
    as_needed = _flag(entry.get("as_needed", False), f"{where}.as_needed")
    if "doses" in entry and not as_needed:
        table = _object(entry["doses"], f"{where}.doses")
        doses = [
            (_time(t, f"{where}.doses"), _number(a, f"{where}.doses.{t}")) for t, a in table.items()
        ]
    else:
        strength = _number(entry.get("strength"), f"{where}.strength")
        count = _number(entry.get("count", 1), f"{where}.count")
        if as_needed:
            # The daily maximum is planned and reduced one dose at a time.
            most = _whole(entry.get("max_per_day"), f"{where}.max_per_day")
            if most < 1:
                raise BadInput(f"{where}.max_per_day must be at least 1")
            doses = [(AS_NEEDED, strength * count * most)]
        elif entry.get("times") is None and _is_patch(drug, form, unit, release):
            # A patch is worn, not taken at a time: its wear interval comes from the formulary.
            doses = [(PATCH_TIME, strength * count)]
        else:
            times = _list(entry.get("times"), f"{where}.times")
            if not times:
                raise BadInput(f"{where}.times must list at least one time")
            doses = [
                (_time(t, f"{where}.times[{i}]"), strength * count) for i, t in enumerate(times)
            ]
    if any(amount <= 0 for _, amount in doses):
        raise BadInput(f"{where}: doses must be above 0")
    strengths = None
    for key in (f"{drug} {release}".casefold() if release else None, drug.casefold()):
        if key and key in overrides:
            strengths = overrides[key]
            break
    if as_needed:
        strengths = (strength,)  # one as-needed dose fewer at a time
    return medication_from_formulary(
        drug,
        doses=doses,
        release=release,
        form=form,
        unit=unit,
        strengths=strengths,
        pack=pack,
        as_needed=as_needed,
    )


# The time a patch's dose is filed under when none is given (patches show no time to the patient).
PATCH_TIME = "09:00"


def _is_patch(drug: str, form: Any, unit: Any, release: Any) -> bool:
    """Whether a medicine line can only be a patch (given as one, or sold only as one)."""
    from taperwell.clinical.formulary import resolve_name
    from taperwell.clinical.taper_catalogue import PLANNABLE_FORMS

    if form == "patch" or unit in {"mcg/h", "mcg/hr"}:
        return True
    resolved = resolve_name(drug)
    if resolved is None:
        return False
    if resolved.form is not None:
        return resolved.form == "patch"
    forms = {
        p.form
        for p in resolved.drug.products
        if p.form in PLANNABLE_FORMS and (release is None or p.release == release)
    }
    return forms == {"patch"}


def _policy(raw: Any, rapid: Any) -> TaperPolicy:
    entry = _object(raw, "policy")
    of = entry.get("of", "original")
    if of not in {"original", "current"}:
        raise BadInput('policy.of must be "original" or "current"')
    first = entry.get("first_phase")
    first_phase: FirstPhase | None = None
    if first is True:
        first_phase = FirstPhase()
    elif isinstance(first, dict):
        first_phase = FirstPhase(
            percent=_number(first.get("percent", 5), "policy.first_phase.percent"),
            interval_days=_whole(
                first.get("interval_days", 14), "policy.first_phase.interval_days"
            ),
            steps=_whole(first.get("steps", 2), "policy.first_phase.steps"),
        )
    elif first not in (None, False):
        raise BadInput("policy.first_phase must be true or an object")
    rapid_reason: str | None = None
    if isinstance(rapid, dict):
        rapid_reason = str(rapid.get("reason") or "").strip() or None
    elif isinstance(rapid, str):
        rapid_reason = rapid.strip() or None
    elif rapid not in (None, False, True):
        raise BadInput('rapid must be {"reason": "..."}')
    order = entry.get("order", [])
    return TaperPolicy(
        percent=_number(entry.get("percent"), "policy.percent"),
        interval_days=_whole(entry.get("interval_days", 28), "policy.interval_days"),
        of=of,
        target_mme_per_day=_number(entry.get("target_mme_per_day", 0), "policy.target_mme_per_day"),
        first_phase=first_phase,
        allow_halves=bool(entry.get("allow_halves", False)),
        as_needed_first=_flag(entry.get("as_needed_first", True), "policy.as_needed_first"),
        allow_formulation_change=_flag(
            entry.get("allow_formulation_change", True), "policy.allow_formulation_change"
        ),
        order=tuple(_text(o, "policy.order") for o in _list(order, "policy.order")),
        rapid=rapid not in (None, False),
        rapid_reason=rapid_reason,
    )


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise BadInput(f"{where} must be true or false")
    return value


def _pauses(raw: Any) -> list[Pause]:
    pauses = []
    for i, item in enumerate(_list(raw or [], "pauses")):
        entry = _object(item, f"pauses[{i}]")
        start = _date(entry.get("start"), f"pauses[{i}].start")
        if "days" in entry:
            days = _whole(entry["days"], f"pauses[{i}].days")
        else:
            days = (_date(entry.get("end"), f"pauses[{i}].end") - start).days + 1
        if days < 1:
            raise BadInput(f"pauses[{i}] must last at least 1 day")
        pauses.append(Pause(start=start, days=days, reason=str(entry.get("reason", ""))))
    return pauses


def taper_document(document: Any) -> dict[str, Any]:
    """Plan the taper a `taperwell taper` input describes and return the output document."""
    from taperwell.clinical.guidelines import load_pack
    from taperwell.clinical.taper_catalogue import pack_mme

    entry = _object(document, "the input")
    try:
        pack = load_pack(str(entry.get("guideline", "cdc-2022")))
    except LookupError as error:
        raise BadInput(str(error)) from error
    start = _date(entry.get("start_date"), "start_date")
    overrides = _strength_overrides(entry.get("available_strengths"))
    raw_meds = _list(entry.get("medications"), "medications")
    if not raw_meds:
        raise BadInput("medications must list at least one opioid")
    regimen = [_medication(m, i, overrides, pack) for i, m in enumerate(raw_meds)]
    if "policy" not in entry:
        raise BadInput("policy is required")
    policy = _policy(entry["policy"], entry.get("rapid"))
    schedule = plan_taper(
        regimen, start, policy, pauses=_pauses(entry.get("pauses")), mme=pack_mme(pack)
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
    return _whole(entry[key], f"{where}.{key}")


def _yes_no(entry: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, bool):
        raise BadInput(f"{where}.{key} must be true or false")
    return value


def _checkins(raw: Any) -> list[CheckIn]:
    checkins = []
    for i, item in enumerate(_list(raw, "checkins")):
        where = f"checkins[{i}]"
        entry = _object(item, where)
        prn = entry.get("prn_doses")
        checkins.append(
            CheckIn(
                day=_date(entry.get("date"), f"{where}.date"),
                pain=_scale(entry, "pain", where),
                sleep=_scale(entry, "sleep", where),
                mood=_scale(entry, "mood", where),
                withdrawal=_scale(entry, "withdrawal", where),
                craving=_scale(entry, "craving", where),
                self_harm_thoughts=_yes_no(entry, "self_harm_thoughts", where),
                prn_doses=None if prn is None else _whole(prn, f"{where}.prn_doses"),
                overdose=_yes_no(entry, "overdose", where),
                naloxone_used=_yes_no(entry, "naloxone_used", where),
                not_prescribed_opioids=_yes_no(entry, "not_prescribed_opioids", where),
            )
        )
    return checkins


def _baseline(raw: Any) -> Baseline:
    if raw is None:
        return Baseline()
    entry = _object(raw, "baseline")

    def optional(key: str) -> Decimal | None:
        return None if entry.get(key) is None else _number(entry[key], f"baseline.{key}")

    def optional_whole(key: str) -> int | None:
        return None if entry.get(key) is None else _whole(entry[key], f"baseline.{key}")

    return Baseline(
        pain=optional("pain"),
        peg=optional("peg"),
        phq9=optional_whole("phq9"),
        gad7=optional_whole("gad7"),
        sleep=optional("sleep"),
        prn_per_day=_whole(entry.get("prn_per_day", 0), "baseline.prn_per_day"),
    )


def _instruments(raw: Any) -> list[InstrumentResult]:
    results = []
    for i, item in enumerate(_list(raw or [], "instruments")):
        where = f"instruments[{i}]"
        entry = _object(item, where)
        answers = _list(entry.get("answers"), f"{where}.answers")
        results.append(
            InstrumentResult(
                day=_date(entry.get("date"), f"{where}.date"),
                instrument=_text(entry.get("instrument"), f"{where}.instrument"),
                answers=tuple(_whole(a, f"{where}.answers") for a in answers),
            )
        )
    return results


def flag_document(flag: Flag) -> dict[str, Any]:
    return flag.as_dict()


def bumps_document(document: Any) -> dict[str, Any]:
    """Apply the bump rules to a `taperwell bumps` input and return the output document."""
    entry = _object(document, "the input")
    if "checkins" not in entry:
        raise BadInput("checkins is required")
    enrolled = entry.get("enrolled_on")
    every = entry.get("checkin_every_days", 1)
    report = check_bumps(
        today=_date(entry.get("today"), "today"),
        checkins=_checkins(entry["checkins"]),
        baseline=_baseline(entry.get("baseline")),
        dose_changes=[
            _date(d, "dose_changes") for d in _list(entry.get("dose_changes", []), "dose_changes")
        ],
        instruments=_instruments(entry.get("instruments")),
        pause_requests=[
            _date(d, "pause_requests")
            for d in _list(entry.get("pause_requests", []), "pause_requests")
        ],
        checkin_every_days=_whole(every, "checkin_every_days"),
        enrolled_on=None if enrolled is None else _date(enrolled, "enrolled_on"),
    )
    return report.as_dict()
