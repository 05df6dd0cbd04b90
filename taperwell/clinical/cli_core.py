"""The `mme`, `review` and `score` commands.

    taperwell mme [--guideline cdc-2022|cdc-2016] FILE
    taperwell review [--guideline ...] [--state WA|OH] FILE
    taperwell score INSTRUMENT ANSWER... [--sex female|male]

FILE is a JSON path or `-` for stdin. Output is JSON on stdout with exit code 0; bad input gives
one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from taperwell.clinical.cli_io import fail, print_json, read_json_input
from taperwell.clinical.formulary import UnknownDrug, resolve_name
from taperwell.clinical.guidelines import (
    DEFAULT_PACK,
    GuidelinePack,
    UnknownPackError,
    available_packs,
    available_states,
    load_pack,
)
from taperwell.clinical.instruments import (
    InvalidAnswers,
    UnknownInstrumentError,
    instrument_ids,
    score,
)
from taperwell.clinical.mme import DoseError, MedicationDose, calculate_mme, parse_combination
from taperwell.clinical.review import History, review
from taperwell.clinical.taper_input import BadInput

COMMAND_NAMES: tuple[str, ...] = ("mme", "review", "score")

_DOSE_KEYS = frozenset(
    {
        "drug",
        "daily_dose",
        "unit",
        "form",
        "release",
        "strength",
        "units_per_dose",
        "doses_per_day",
        "combination",
    }
)


def add_commands(subparsers: Any) -> None:
    """Add `mme`, `review` and `score` to the `taperwell` parser."""
    mme = subparsers.add_parser(
        "mme",
        help="morphine milligram equivalents per day for a medication list (JSON)",
        description="MME per day, per medication and in total, with each factor and its source.",
    )
    _add_guideline(mme)
    mme.add_argument("file", metavar="FILE", help="JSON input file, or - for stdin")
    mme.set_defaults(func=_guarded(run_mme))

    rev = subparsers.add_parser(
        "review",
        help="interactions, naloxone, MME thresholds for a medication list (JSON)",
        description=(
            "Interaction findings, naloxone recommendation, thresholds crossed and unchecked "
            "medicines for a medication list."
        ),
    )
    _add_guideline(rev)
    rev.add_argument(
        "--state",
        metavar="|".join(available_states()),
        help="add a state pack's thresholds and actions",
    )
    rev.add_argument("file", metavar="FILE", help="JSON input file, or - for stdin")
    rev.set_defaults(func=_guarded(run_review))

    sc = subparsers.add_parser(
        "score",
        help="score a questionnaire (peg, phq9, gad7, sows, cows, ort)",
        description="Score one completed questionnaire; answers in item order.",
    )
    sc.add_argument("instrument", metavar="INSTRUMENT", help=", ".join(instrument_ids()))
    sc.add_argument("answers", metavar="ANSWER", nargs="+", help="answers in item order")
    sc.add_argument("--sex", metavar="female|male", help="needed for ort")
    sc.set_defaults(func=_guarded(run_score))


def _add_guideline(parser: argparse.ArgumentParser) -> None:
    # Checked by load_pack rather than `choices`, so a bad name gives one clear line.
    parser.add_argument(
        "--guideline",
        default=DEFAULT_PACK,
        metavar="|".join(available_packs()),
        help=f"guideline pack (default {DEFAULT_PACK})",
    )


def _guarded(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn every expected kind of bad input into one line on stderr and exit code 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (
            UnknownDrug,
            BadInput,
            DoseError,
            InvalidAnswers,
            UnknownInstrumentError,
            UnknownPackError,
        ) as error:
            fail(str(error))

    return run


def run_mme(args: argparse.Namespace) -> int:
    pack = load_pack(args.guideline)
    document = _object(read_json_input(args.file))
    _only_keys(document, {"medications"}, "input")
    items = document.get("medications")
    if not isinstance(items, list) or not items:
        raise BadInput('input needs "medications": a non-empty list')
    doses = []
    for index, item in enumerate(items):
        where = f"medications[{index}]"
        dose = _dose(item, where)
        if dose is None:
            name = _drug_name(item, where)
            raise BadInput(f"{where} ({name}): needs daily_dose, or strength and doses_per_day")
        doses.append(dose)
    result = calculate_mme(doses, pack)
    print_json(result.as_dict())
    return 0


def run_review(args: argparse.Namespace) -> int:
    pack: GuidelinePack = load_pack(args.guideline, args.state)
    document = _object(read_json_input(args.file))
    _only_keys(document, {"medications", "history", "ort"}, "input")
    items = document.get("medications")
    if not isinstance(items, list):
        raise BadInput('input needs "medications": a list')
    medications: list[str | MedicationDose] = []
    for index, item in enumerate(items):
        where = f"medications[{index}]"
        dose = _dose(item, where)
        medications.append(dose if dose is not None else _drug_name(item, where))
    history_raw = document.get("history", {})
    if not isinstance(history_raw, dict):
        raise BadInput('"history" must be an object of true/false values')
    try:
        history = History.from_mapping(history_raw)
    except ValueError as error:
        raise BadInput(f"history: {error}") from error
    ort_answers, sex = _ort(document.get("ort"))
    result = review(medications, pack, history=history, ort_answers=ort_answers, sex=sex)
    print_json(result.as_dict())
    return 0


def run_score(args: argparse.Namespace) -> int:
    answers = [_answer(text) for text in args.answers]
    print_json(score(args.instrument, answers, sex=args.sex).as_dict())
    return 0


def _object(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise BadInput("input must be a JSON object")
    return document


def _only_keys(document: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise BadInput(f"{where}: unknown field(s) {', '.join(unknown)}")


def _drug_name(item: Any, where: str) -> str:
    if isinstance(item, str) and item.strip():
        return item
    if isinstance(item, dict):
        name = item.get("drug")
        if isinstance(name, str) and name.strip():
            return name
    raise BadInput(f'{where}: needs "drug" (a medicine name)')


def _dose(item: Any, where: str) -> MedicationDose | None:
    """A MedicationDose from one input object, or None when it gives no dose."""
    name = _drug_name(item, where)
    if not isinstance(item, dict):
        return None
    _only_keys(item, set(_DOSE_KEYS), where)
    has_daily = "daily_dose" in item
    has_strength = "strength" in item
    if not has_daily and not has_strength:
        return None
    if has_daily and has_strength:
        raise BadInput(f"{where} ({name}): give daily_dose or strength, not both")
    unit = item.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        raise BadInput(f'{where} ({name}): needs "unit" (mg, mcg or mcg/h)')
    form = _optional_text(item, "form", where)
    release = _optional_text(item, "release", where)
    combination = _optional_text(item, "combination", where)
    resolved = resolve_name(name)
    if resolved is not None and resolved.brand is not None and resolved.release is not None:
        # A brand fixes its release and partner (Norco: IR with acetaminophen 325 mg).
        if release is not None and release.upper() != resolved.release:
            raise BadInput(
                f"{where} ({name}): {resolved.brand} is {resolved.release}, not {release}"
            )
        release = resolved.release
        combination = combination or resolved.combination
        form = form or resolved.form
    try:
        if has_daily:
            daily = _number(item["daily_dose"], f"{where}.daily_dose")
            if daily <= 0:
                raise BadInput(f"{where} ({name}): daily_dose must be more than 0, got {daily}")
            if combination is not None:
                parse_combination(combination)
            return MedicationDose(name, daily, unit, form, release, combination)
        doses_per_day = item.get("doses_per_day")
        return MedicationDose.from_units(
            name,
            strength=_number(item["strength"], f"{where}.strength"),
            unit=unit,
            units_per_dose=_number(item.get("units_per_dose", 1), f"{where}.units_per_dose"),
            doses_per_day=(
                None if doses_per_day is None else _number(doses_per_day, f"{where}.doses_per_day")
            ),
            form=form,
            release=release,
            combination=combination,
        )
    except DoseError as error:
        raise BadInput(f"{where} ({name}): {error}") from error


def _optional_text(item: dict[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{where}.{key} must be text")
    return value.strip()


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInput(f"{where} must be a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadInput(f"{where} must be a finite number")
    # str() keeps what was written: 0.1 stays 0.1, not its binary expansion.
    return Decimal(str(value))


def _answer(text: str) -> int | Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadInput(f"answer {text!r} is not a number") from None
    return int(number) if number.is_finite() and number == number.to_integral_value() else number


def _ort(value: Any) -> tuple[list[int] | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise BadInput('"ort" must be an object: {"sex": "female"|"male", "answers": [...]}')
    _only_keys(value, {"sex", "answers"}, "ort")
    answers = value.get("answers")
    if not isinstance(answers, list):
        raise BadInput("ort.answers must be a list of 0/1 (or true/false), one per item")
    normalised = [int(a) if isinstance(a, bool) else a for a in answers]
    sex = value.get("sex")
    if sex is not None and not isinstance(sex, str):
        raise BadInput("ort.sex must be female or male")
    return normalised, sex
