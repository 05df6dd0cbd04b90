"""The bridge between stored plans (JSON) and the clinical taper engine.

A plan's `inputs` hold the regimen, the policy and the start date in the `taperwell taper` input
format; its `revisions` list every pause, resume, slow-down and step-back in order. Replaying
them through the engine gives the schedule, so a stored schedule can always be explained.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from taperwell.clinical import cli_taper
from taperwell.clinical.guidelines import GuidelinePack, load_pack
from taperwell.clinical.taper import pause, plan_taper, resume, slow_down, step_back
from taperwell.clinical.taper_catalogue import Pace, load_paces, pack_mme
from taperwell.clinical.taper_input import BadInput, parse_medication, parse_pauses, parse_policy
from taperwell.clinical.taper_model import Schedule, TaperError
from taperwell.tapering.models import RevisionKind

if TYPE_CHECKING:
    from taperwell.clinics.models import Clinic
    from taperwell.medications.models import PatientMedication


class PlanError(ValueError):
    """A plan the engine cannot make; the message says why in plain words."""


def pack_for(clinic: Clinic) -> GuidelinePack:
    """The clinic's guideline pack with its state overlay, when there is one for its state."""
    name = clinic.guideline_pack or "cdc-2022"
    if clinic.jurisdiction:
        try:
            return load_pack(name, state=clinic.jurisdiction)
        except LookupError:
            pass
    return load_pack(name)


def pace_by_id(pace_id: str) -> Pace:
    for pace in load_paces():
        if pace.id == pace_id:
            return pace
    raise PlanError(f"unknown pace {pace_id!r}")


def policy_for_pace(
    pace: Pace,
    *,
    percent: Decimal | None = None,
    interval_days: int | None = None,
    order: list[str] | None = None,
    rapid_reason: str = "",
) -> dict[str, Any]:
    percent = pace.percent if percent is None else percent
    interval = pace.interval_days if interval_days is None else interval_days
    low, high = pace.percent_range
    if not low <= percent <= high:
        raise PlanError(f"{pace.label}: the percent must be between {low} and {high}")
    short, long = pace.interval_range
    if not short <= interval <= long:
        raise PlanError(f"{pace.label}: the interval must be {short} to {long} days")
    policy: dict[str, Any] = {
        "percent": str(percent),
        "interval_days": interval,
        "of": pace.of,
        "first_phase": pace.first_phase,
        "order": list(order or []),
        "pace": pace.id,
        "source": pace.source,
    }
    if pace.rapid:
        if not rapid_reason.strip():
            raise PlanError("A rapid taper needs a documented safety reason.")
        policy["rapid_reason"] = rapid_reason.strip()
    return policy


def regimen_from_medications(medications: list[PatientMedication]) -> list[dict[str, Any]]:
    """Opioid lines in the engine's input format: scheduled doses, patches (worn, so no times)
    and as-needed lines with their daily maximum (planned and reduced too).

    The name is passed as entered, so a brand ("OxyContin") keeps its release and partner; a
    line the engine cannot plan (no strength, an as-needed line without a daily maximum) is
    left out here and the engine is never asked to guess.
    """
    from taperwell.clinical.formulary import load_formulary

    formulary = load_formulary()
    regimen = []
    for med in medications:
        drug = formulary.find(med.drug)
        if drug is None or not drug.is_opioid or med.strength is None:
            continue
        entry: dict[str, Any] = {
            "drug": med.drug.strip(),
            "strength": f"{med.strength.normalize():f}",  # 50, never 5E+1
        }
        if med.as_needed:
            if not med.max_prn_per_day:
                continue
            entry["as_needed"] = True
            entry["max_per_day"] = med.max_prn_per_day
        elif med.times:
            entry["times"] = list(med.times)
        elif med.form != "patch" and (med.unit or "").replace("hr", "h") != "mcg/h":
            continue
        if med.release:
            entry["release"] = med.release
        if med.form:
            entry["form"] = med.form
        if med.unit:
            entry["unit"] = med.unit
        regimen.append(entry)
    return regimen


def _policy(raw: dict[str, Any]):
    return parse_policy(
        {k: v for k, v in raw.items() if k not in {"pace", "source", "rapid_reason"}},
        {"reason": raw["rapid_reason"]} if raw.get("rapid_reason") else None,
    )


def build_schedule(inputs: dict[str, Any], revisions: list[dict[str, Any]]) -> Schedule:
    try:
        pack = load_pack(inputs.get("guideline", "cdc-2022"))
        mme = pack_mme(pack)
        regimen = [parse_medication(m, i, {}, pack) for i, m in enumerate(inputs["medications"])]
        if not regimen:
            raise PlanError("There are no scheduled opioid doses to plan a taper from.")
        schedule = plan_taper(
            regimen,
            date.fromisoformat(inputs["start_date"]),
            _policy(inputs["policy"]),
            pauses=parse_pauses(inputs.get("pauses")),
            mme=mme,
        )
        for revision in revisions:
            schedule = _apply(schedule, revision, mme)
    except (BadInput, TaperError, LookupError, KeyError) as error:
        raise PlanError(str(error)) from error
    return schedule


def _apply(schedule: Schedule, revision: dict[str, Any], mme) -> Schedule:
    on = date.fromisoformat(revision["on"])
    reason = revision.get("reason", "")
    kind = revision["kind"]
    if kind == RevisionKind.PAUSE:
        return pause(schedule, on=on, reason=reason)
    if kind == RevisionKind.RESUME:
        policy = _policy(revision["policy"]) if revision.get("policy") else None
        return resume(schedule, on=on, reason=reason, policy=policy, mme=mme)
    if kind == RevisionKind.SLOW_DOWN:
        return slow_down(
            schedule, on=on, policy=_policy(revision["policy"]), reason=reason, mme=mme
        )
    if kind == RevisionKind.STEP_BACK:
        return step_back(schedule, on=on, reason=reason, to_index=revision.get("to_index"), mme=mme)
    raise PlanError(f"unknown revision {kind!r}")


def schedule_json(inputs: dict[str, Any], revisions: list[dict[str, Any]]) -> dict[str, Any]:
    schedule = build_schedule(inputs, revisions)
    document = cli_taper.schedule_document(schedule)
    document["guideline"] = inputs.get("guideline", "cdc-2022")
    document["policy"]["pace"] = inputs["policy"].get("pace")
    document["policy"]["source"] = inputs["policy"].get("source")
    return document
