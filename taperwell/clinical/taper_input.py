"""Reading the JSON documents the taper engine is planned from: a medication line, a policy
and pauses, in the format `taperwell taper` reads (see README.md).

Public so the command line (`cli_taper`) and the web app (`tapering/engine.py`) read them the
same way. Everything here raises `BadInput`, whose message is shown to the person as is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from taperwell.clinical.taper_model import AS_NEEDED, FirstPhase, Medication, Pause, TaperPolicy


class BadInput(Exception):  # noqa: N818 - reads as what the person gave
    """Raised for input a command cannot use; the message is shown to the person as is."""


def json_object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(f"{where} must be a JSON object")
    return value


def json_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadInput(f"{where} must be a list")
    return value


def json_decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadInput(f"{where} must be a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise BadInput(f"{where} must be a number") from error
    if not number.is_finite():
        raise BadInput(f"{where} must be a number")
    return number


def json_whole(value: Any, where: str) -> int:
    number = json_decimal(value, where)
    if number != number.to_integral_value():
        raise BadInput(f"{where} must be a whole number")
    return int(number)


def json_date(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise BadInput(f"{where} must be a date like 2027-01-04")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise BadInput(f"{where} must be a date like 2027-01-04, got {value!r}") from error


def json_text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{where} must be text")
    return value.strip()


def json_time(value: Any, where: str) -> str:
    text = json_text(value, where)
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise BadInput(f"{where} must be a time like 08:00, got {text!r}")
    if int(hours) > 23 or int(minutes) > 59:
        raise BadInput(f"{where} must be a time like 08:00, got {text!r}")
    return f"{int(hours):02d}:{minutes}"


def parse_strength_overrides(value: Any) -> dict[str, tuple[Decimal, ...]]:
    if value is None:
        return {}
    table = json_object(value, "available_strengths")
    return {
        str(key).casefold(): tuple(
            json_decimal(s, f"available_strengths.{key}")
            for s in json_list(v, f"available_strengths.{key}")
        )
        for key, v in table.items()
    }


def parse_medication(
    raw: Any, index: int, overrides: Mapping[str, tuple[Decimal, ...]], pack: Any
) -> Medication:
    from taperwell.clinical.taper_catalogue import medication_from_formulary

    where = f"medications[{index}]"
    entry = json_object(raw, where)
    drug = json_text(entry.get("drug"), f"{where}.drug")
    release = entry.get("release")
    if release is not None and release not in {"IR", "ER"}:
        raise BadInput(f"{where}.release must be IR or ER")
    form = entry.get("form")
    if form is not None:
        form = json_text(form, f"{where}.form")
    unit = entry.get("unit")
    if unit is not None:
        unit = json_text(unit, f"{where}.unit")
    as_needed = json_flag(entry.get("as_needed", False), f"{where}.as_needed")
    if "doses" in entry and not as_needed:
        table = json_object(entry["doses"], f"{where}.doses")
        doses = [
            (json_time(t, f"{where}.doses"), json_decimal(a, f"{where}.doses.{t}"))
            for t, a in table.items()
        ]
    else:
        strength = json_decimal(entry.get("strength"), f"{where}.strength")
        count = json_decimal(entry.get("count", 1), f"{where}.count")
        if as_needed:
            # The daily maximum is planned and reduced one dose at a time.
            most = json_whole(entry.get("max_per_day"), f"{where}.max_per_day")
            if most < 1:
                raise BadInput(f"{where}.max_per_day must be at least 1")
            doses = [(AS_NEEDED, strength * count * most)]
        elif entry.get("times") is None and is_patch(drug, form, unit, release):
            # A patch is worn, not taken at a time: its wear interval comes from the formulary.
            doses = [(PATCH_TIME, strength * count)]
        else:
            times = json_list(entry.get("times"), f"{where}.times")
            if not times:
                raise BadInput(f"{where}.times must list at least one time")
            doses = [
                (json_time(t, f"{where}.times[{i}]"), strength * count) for i, t in enumerate(times)
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


def is_patch(drug: str, form: Any, unit: Any, release: Any) -> bool:
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


def parse_policy(raw: Any, rapid: Any) -> TaperPolicy:
    entry = json_object(raw, "policy")
    of = entry.get("of", "original")
    if of not in {"original", "current"}:
        raise BadInput('policy.of must be "original" or "current"')
    first = entry.get("first_phase")
    first_phase: FirstPhase | None = None
    if first is True:
        first_phase = FirstPhase()
    elif isinstance(first, dict):
        first_phase = FirstPhase(
            percent=json_decimal(first.get("percent", 5), "policy.first_phase.percent"),
            interval_days=json_whole(
                first.get("interval_days", 14), "policy.first_phase.interval_days"
            ),
            steps=json_whole(first.get("steps", 2), "policy.first_phase.steps"),
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
        percent=json_decimal(entry.get("percent"), "policy.percent"),
        interval_days=json_whole(entry.get("interval_days", 28), "policy.interval_days"),
        of=of,
        target_mme_per_day=json_decimal(
            entry.get("target_mme_per_day", 0), "policy.target_mme_per_day"
        ),
        first_phase=first_phase,
        allow_halves=bool(entry.get("allow_halves", False)),
        as_needed_first=json_flag(entry.get("as_needed_first", True), "policy.as_needed_first"),
        allow_formulation_change=json_flag(
            entry.get("allow_formulation_change", True), "policy.allow_formulation_change"
        ),
        order=tuple(json_text(o, "policy.order") for o in json_list(order, "policy.order")),
        rapid=rapid not in (None, False),
        rapid_reason=rapid_reason,
    )


def json_flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise BadInput(f"{where} must be true or false")
    return value


def parse_pauses(raw: Any) -> list[Pause]:
    pauses = []
    for i, item in enumerate(json_list(raw or [], "pauses")):
        entry = json_object(item, f"pauses[{i}]")
        start = json_date(entry.get("start"), f"pauses[{i}].start")
        if "days" in entry:
            days = json_whole(entry["days"], f"pauses[{i}].days")
        else:
            days = (json_date(entry.get("end"), f"pauses[{i}].end") - start).days + 1
        if days < 1:
            raise BadInput(f"pauses[{i}] must last at least 1 day")
        pauses.append(Pause(start=start, days=days, reason=str(entry.get("reason", ""))))
    return pauses
