"""Reads of a patient's medicines and their review by the clinical core."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from taperwell.clinical.formulary import load_formulary
from taperwell.clinical.mme import (
    DoseError,
    MedicationDose,
    NoFactor,
    calculate_mme,
    check_dose,
)
from taperwell.clinical.review import History, NaloxoneAdvice, Review, dose_is_read, review
from taperwell.clinics.selectors import clinic_today
from taperwell.core.prepared import Prepared
from taperwell.medications.models import (
    MedicationStatus,
    NaloxonePlan,
    PatientMedication,
    RiskProfile,
)
from taperwell.tapering.models import (
    IN_FORCE,
    PlanStatus,
    TaperEvent,
    TaperEventKind,
    TaperPlan,
)
from taperwell.tapering.schedule import PlanStep, schedule_of

if TYPE_CHECKING:
    from taperwell.clinical.guidelines import GuidelinePack
    from taperwell.clinics.models import Clinic
    from taperwell.patients.models import Patient


def active_medications(patient: Patient) -> list[PatientMedication]:
    if hasattr(patient, "dose_medicines"):  # read already in this request (`load_dose_rows`)
        return active_medications_of(patient)
    return list(
        PatientMedication.objects.filter(patient=patient, status=MedicationStatus.ACTIVE).order_by(
            "drug", "created_at"
        )
    )


def medication_list(patient: Patient) -> list[PatientMedication]:
    """Every row, stopped and entered-in-error included, with who changed it."""
    return list(
        PatientMedication.objects.filter(patient=patient)
        .select_related("created_by", "updated_by")
        .prefetch_related("changes__by")
        .order_by("status", "drug", "created_at")
    )


def dose_of(med: PatientMedication) -> MedicationDose | str:
    """A daily dose the MME tables understand, or the name alone when there is no schedule.

    As-needed doses count at their most per day, as the review should see the worst case.
    """
    if med.strength is None or not med.unit:
        return med.drug
    per_day = len(med.times or [])
    if med.as_needed:
        per_day = med.max_prn_per_day or 0
    unit = med.unit.strip()
    if unit in {"mcg/h", "mcg/hr"}:
        return MedicationDose.from_units(
            med.drug, strength=med.strength, unit=unit, form=med.form or None
        )
    if per_day == 0:
        return med.drug
    return MedicationDose(
        drug=med.drug,
        daily_dose=med.strength * per_day,
        unit=unit,
        form=med.form or None,
        release=med.release or None,
        units_per_day=Decimal(per_day),
    )


def mme_of(medications: list[PatientMedication], pack: GuidelinePack) -> Decimal | None:
    """Total MME/day of the scheduled and as-needed opioids, or None if it cannot be counted."""
    formulary = load_formulary()
    doses = []
    for med in medications:
        drug = formulary.find(med.drug)
        if drug is None or not drug.is_opioid:
            continue
        dose = dose_of(med)
        if isinstance(dose, MedicationDose):
            doses.append(dose)
    if not doses:
        return Decimal(0)
    try:
        return calculate_mme(doses, pack, formulary=formulary).total_mme_per_day
    except (DoseError, NoFactor, KeyError, ValueError):
        return None


def medication_review(
    patient: Patient,
    pack: GuidelinePack,
    *,
    tapering: bool = False,
    record: DoseOfRecord | None = None,
) -> Review:
    """The clinical core's review of what the patient takes: the dose of record (`record`, or
    today's) for the opioids, the medicine list for everything else."""
    if record is None:
        record = dose_of_record(patient, pack=pack)
    medications = active_medications(patient)
    profile = risk_profile_of(patient)
    history = History(tapering=tapering)
    ort = sex = None
    if profile is not None:
        history = History(
            overdose=profile.overdose,
            substance_use_disorder=profile.substance_use_disorder,
            sleep_apnea=profile.sleep_apnea,
            tapering=tapering,
        )
        if profile.ort_answers and profile.sex:
            ort, sex = profile.ort_answers, profile.sex
    replaced = {m.pk for m in record.replaced}
    entries: list[MedicationDose | str] = []
    problems: list[str] = []
    for med in medications:
        if med.pk in replaced:
            continue
        try:
            entry = dose_of(med)
            if isinstance(entry, MedicationDose):
                drug = load_formulary().get(entry.drug)
                if dose_is_read(drug):
                    check_dose(entry, drug)
        except (DoseError, KeyError) as error:
            # A row saved before the core refused such doses: show the problem, never a guess.
            problems.append(f"{med.label}: the dose cannot be used ({error}); not counted")
            entry = med.drug
        entries.append(entry)
    for line in record.lines:
        # A plan's as-needed line counts at its most a day, as the step's MME does.
        daily = line.as_needed_daily_max if line.as_needed else line.daily_dose
        if line.source == DoseSource.PLAN and daily:
            entries.append(
                MedicationDose(
                    drug=line.drug,
                    daily_dose=daily,
                    unit=line.unit,
                    form=line.form or None,
                    release=line.release or None,
                )
            )
    result = review(entries, pack, history=history, ort_answers=ort, sex=sex)
    return replace(result, warnings=(*problems, *result.warnings)) if problems else result


# The patient's own one-to-one rows that My medicines reads together: their risk profile and
# naloxone plan (the naloxone card) and their reasons for tapering (checkins.TaperReasons).
OWN_ROWS = ("risk_profile", "naloxone_plan", "taper_reasons")
# And, in the same query, two facts of the page's other cards: when the patient's open pause
# request was made (`tapering.selectors.open_pause_request_column`, None: none open) and the
# details of their latest treatment decision (`tapering.treatment.latest_details_column`).
OWN_COLUMNS = ("pause_requested_at", "treatment_details")


def load_own_rows(patient: Patient) -> dict[str, Any]:
    """Read the rows of `OWN_ROWS` and the values of `OWN_COLUMNS` in one query (None where the
    patient has none) and keep the rows on this patient object, for this request only:
    `risk_profile_of` and `naloxone_plan_of` then read them from there."""
    row = _OWN_ROWS.first(patient=patient.pk)
    if row is None:
        raise type(patient).DoesNotExist(f"patient {patient.pk} is gone")
    loaded: dict[str, Any] = {}
    for name in OWN_ROWS:
        try:
            loaded[name] = getattr(row, name)
        except ObjectDoesNotExist:
            loaded[name] = None
    vars(patient)["own_rows"] = loaded
    return {**loaded, **{name: getattr(row, name) for name in OWN_COLUMNS}}


def _own_rows_query(*, patient: int) -> QuerySet[Patient]:
    # The patients and tapering apps import this module: their parts are looked up here, not
    # imported at the top.
    from taperwell.patients.models import Patient
    from taperwell.tapering.selectors import open_pause_request_column
    from taperwell.tapering.treatment import latest_details_column

    return (
        Patient.objects.select_related(*OWN_ROWS)
        .filter(pk=patient)
        .annotate(
            pause_requested_at=open_pause_request_column(),
            treatment_details=latest_details_column(),
        )
    )


# Compiled once per process (core.prepared): building it cost more than reading it.
_OWN_ROWS: Prepared[Patient] = Prepared(_own_rows_query, patient=int)


def _own_row(patient: Patient, name: str) -> tuple[bool, Any]:
    """(True, the row or None) when `load_own_rows` read it for this patient, else (False, None)."""
    loaded = vars(patient).get("own_rows")
    if loaded is None:
        return False, None
    return True, loaded[name]


def naloxone_plan_of(patient: Patient) -> NaloxonePlan | None:
    read, plan = _own_row(patient, "naloxone_plan")
    if read:
        return cast(NaloxonePlan | None, plan)
    return NaloxonePlan.objects.filter(patient=patient).first()


def risk_profile_of(patient: Patient) -> RiskProfile | None:
    read, profile = _own_row(patient, "risk_profile")
    if read:
        return cast(RiskProfile | None, profile)
    return RiskProfile.objects.filter(patient=patient).first()


def naloxone_expires_on(patient: Patient) -> date | None:
    """The expiry of the naloxone the patient keeps at home (the reminder sweep reads this).

    None when there is no plan, no date, or the patient said they have none at home.
    """
    return naloxone_expiries([patient.pk]).get(patient.pk)


def naloxone_expiries(patient_ids: Iterable[int]) -> dict[int, date]:
    """`naloxone_expires_on` for many patients in one query."""
    rows = (
        NaloxonePlan.objects.filter(patient_id__in=list(patient_ids), expires_on__isnull=False)
        .exclude(has_naloxone=False)
        .values_list("patient_id", "expires_on")
    )
    return {patient_id: expires for patient_id, expires in rows if expires is not None}


def naloxone_advice(
    patient: Patient, *, tapering: bool, record: DoseOfRecord | None = None
) -> NaloxoneAdvice | None:
    """The clinical core's naloxone advice with the clinic's pack, or None if it cannot review.

    A medicine list the core cannot read must not break the patient's page; the care team's
    review page shows the same problem in full.
    """
    from taperwell.tapering.engine import pack_for

    try:
        review = medication_review(
            patient, pack_for(patient.clinic), tapering=tapering, record=record
        )
        return review.naloxone
    except (ValueError, LookupError, KeyError):
        return None


# ---------------------------------------------------------------------------------------------
# The dose of record: one answer to "what does this patient take today".


class DoseSource(models.TextChoices):
    PLAN = "plan", _("Approved taper plan")
    MEDICINES = "medicines", _("Medicine list")


@dataclass(frozen=True)
class DoseUnit:
    """Tablets (or patches) of one strength taken together: 1 x 15 mg.

    `release`, `form` and `unit` are set when this unit is another product of the same medicine
    than its line (a plan's formulation change: 7 mL of the 2 mg/mL oral solution in a line of
    ER tablets); empty means the line's own product."""

    strength: Decimal
    count: Decimal
    release: str = ""
    form: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Administration:
    """One scheduled time of day and what is taken then (`amount` is in the line's unit)."""

    time: str
    amount: Decimal
    units: tuple[DoseUnit, ...]


@dataclass(frozen=True)
class DoseLine:
    """One opioid's current doses.

    Scheduled lines list their `administrations` and `daily_dose`; as-needed lines have none
    and give `as_needed_strength` and `as_needed_max_per_day` (doses) and `as_needed_daily_max`
    (in `unit`). `medication_id` is the medicine-list row it comes from (None for plan lines).
    """

    drug: str
    release: str
    form: str
    unit: str
    strengths: tuple[Decimal, ...]
    administrations: tuple[Administration, ...]
    daily_dose: Decimal | None
    as_needed: bool = False
    as_needed_strength: Decimal | None = None
    as_needed_max_per_day: int | None = None
    as_needed_daily_max: Decimal | None = None
    wear_hours: int | None = None
    source: str = DoseSource.MEDICINES
    medication_id: uuid.UUID | None = None

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.drug, self.release, self.form) if part)

    @property
    def stopped(self) -> bool:
        if self.as_needed:
            # A plan's last step for an as-needed line: none a day (never "no limit given").
            return self.as_needed_max_per_day == 0
        return self.daily_dose == 0

    @property
    def text(self) -> str:
        """Plain words for patients and staff: "20 mg at 08:00; 15 mg + 10 mg at 20:00"."""
        if self.stopped:
            return f"{self.name}: stopped"
        if self.as_needed:
            if self.as_needed_strength is None:
                return f"{self.name}: as needed (no dose given)"
            most = self.as_needed_max_per_day
            limit = f", at most {most} a day" if most else " (no daily limit given)"
            return f"{self.name}: {_n(self.as_needed_strength)} {self.unit} as needed{limit}"
        if not self.administrations:
            return f"{self.name}: no dose given"
        parts = []
        for a in self.administrations:
            pieces = " + ".join(self._unit_words(u) for u in a.units)
            parts.append(f"{pieces} at {a.time}")
        text = f"{self.name}: " + "; ".join(parts)
        if self.wear_hours:
            text += f" (a new patch every {self.wear_hours // 24} days)"
        return text

    def _unit_words(self, u: DoseUnit) -> str:
        """ "15 mg", "2 tablets of 5 mg", or another product of the same medicine named in full
        (a formulation change): "7 mL of the 2 mg/mL IR solution", "5 mg IR tablet"."""
        unit = u.unit or self.unit
        other = (u.release or self.release, u.form or self.form) != (self.release, self.form)
        product = " ".join(p for p in (u.release, u.form) if p) if other else ""
        if "solution" in (u.form or self.form or ""):
            return f"{_n(u.count)} mL of the {_n(u.strength)} {unit} {product or self.form}".strip()
        strength = f"{_n(u.strength)} {unit}" + (f" {product}" if product else "")
        if u.count == Decimal("0.5"):
            return f"half a {u.form or self.form or 'dose'} of {strength}"
        if u.count != 1:
            return f"{_n(u.count)} {_plural(u.form or self.form or 'dose')} of {strength}"
        return strength

    def by_product(self) -> tuple[DoseLine, ...]:
        """This line as one line per product taken (a formulation change puts the oral solution
        or IR tablets in a line of ER tablets), each with its own units and amounts, in the
        line's unit (mg); the line's own product first. A line of one product is itself."""
        if self.as_needed or not any(
            u.release or u.form or u.unit for a in self.administrations for u in a.units
        ):
            return (self,)
        products: dict[tuple[str, str, str], list[Administration]] = {}
        for a in self.administrations:
            groups: dict[tuple[str, str, str], list[DoseUnit]] = {}
            for u in a.units:
                groups.setdefault((u.release, u.form, u.unit), []).append(u)
            for key, units in groups.items():
                amount = sum((u.strength * u.count for u in units), Decimal(0))
                products.setdefault(key, []).append(Administration(a.time, amount, tuple(units)))
        lines = []
        for (release, form, unit), administrations in sorted(
            products.items(), key=lambda item: any(item[0])
        ):
            own = not (release or form or unit)
            lines.append(
                replace(
                    self,
                    release=release or self.release,
                    form=form or self.form,
                    strengths=tuple(
                        sorted({u.strength for a in administrations for u in a.units}, reverse=True)
                    ),
                    # Each unit now belongs to its line's product; a solution keeps its mg/mL.
                    administrations=tuple(
                        replace(
                            a,
                            units=tuple(
                                DoseUnit(strength=u.strength, count=u.count, unit=u.unit)
                                for u in a.units
                            ),
                        )
                        for a in administrations
                    ),
                    daily_dose=sum((a.amount for a in administrations), Decimal(0)),
                    wear_hours=self.wear_hours if own else None,
                )
            )
        return tuple(lines)

    def regimen_entry(self) -> dict[str, Any] | None:
        """This line in the taper engine's input format (`doses` by time), or None if as needed."""
        if self.as_needed or not self.administrations:
            return None
        entry: dict[str, Any] = {
            "drug": self.drug,
            "doses": {a.time: f"{_n(a.amount)}" for a in self.administrations},
        }
        if self.release:
            entry["release"] = self.release
        if self.form:
            entry["form"] = self.form
        if self.unit:
            entry["unit"] = self.unit
        return entry


@dataclass(frozen=True)
class DoseOfRecord:
    """What the patient takes on `on`: the approved plan's step in force, else the medicine list.

    `mme_per_day` counts scheduled doses and as-needed doses at their most per day (as the
    review does); None means unknown (no medicines entered, or a dose that cannot be counted),
    never 0. `replaced` lists the medicine-list rows the plan stands in for (the original
    prescriptions); `warnings` say why a number is missing.
    """

    on: date
    source: str
    since: date | None
    mme_per_day: Decimal | None
    scheduled_mme_per_day: Decimal | None
    lines: tuple[DoseLine, ...]
    plan_id: uuid.UUID | None = None
    plan_pk: int | None = None
    step_index: int | None = None
    paused: bool = False
    replaced: tuple[PatientMedication, ...] = ()
    warnings: tuple[str, ...] = ()
    plan_started: date | None = None

    @property
    def replaced_ids(self) -> frozenset[int]:
        return frozenset(m.pk for m in self.replaced)

    @property
    def from_plan(self) -> bool:
        return self.source == DoseSource.PLAN

    @property
    def known(self) -> bool:
        return self.mme_per_day is not None

    def as_document(self) -> dict[str, Any]:
        """JSON-ready (the API and the exports use this shape)."""
        return {
            "on": self.on.isoformat(),
            "source": str(self.source),
            "since": self.since.isoformat() if self.since else None,
            "mme_per_day": _json(self.mme_per_day),
            "plan_id": str(self.plan_id) if self.plan_id else None,
            "step_index": self.step_index,
            "paused": self.paused,
            "lines": [
                {
                    "drug": line.drug,
                    "release": line.release,
                    "form": line.form,
                    "unit": line.unit,
                    "strengths": [_json(s) for s in line.strengths],
                    "administrations": [
                        {
                            "time": a.time,
                            "amount": _json(a.amount),
                            "units": [
                                {
                                    "strength": _json(u.strength),
                                    "count": _json(u.count),
                                    # Each unit names its product: a formulation change's
                                    # solution is never read as tablets of the line's.
                                    "release": u.release or line.release,
                                    "form": u.form or line.form,
                                    "unit": u.unit or line.unit,
                                }
                                for u in a.units
                            ],
                        }
                        for a in line.administrations
                    ],
                    "daily_dose": _json(line.daily_dose),
                    "as_needed": line.as_needed,
                    "as_needed_max_per_day": line.as_needed_max_per_day,
                    "as_needed_daily_max": _json(line.as_needed_daily_max),
                    "source": str(line.source),
                    "text": line.text,
                }
                for line in self.lines
            ],
            "warnings": list(self.warnings),
        }


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _plural(form: str) -> str:
    """ "tablets", "capsules", "patches"."""
    return f"{form}es" if form.endswith(("ch", "sh", "s", "x")) else f"{form}s"


def _json(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _clinic_today(clinic: Clinic) -> date:
    return clinic_today(clinic)


def _is_opioid(drug: str) -> bool:
    found = load_formulary().find(drug)
    return found is not None and found.is_opioid


def _on_list(med: PatientMedication, on: date) -> bool:
    """Was this row on the medicine list on `on`? (entered-in-error rows never were)."""
    if med.status == MedicationStatus.ENTERED_IN_ERROR:
        return False
    if med.started_on is not None and med.started_on > on:
        return False
    if med.status == MedicationStatus.STOPPED:
        return med.stopped_on is not None and med.stopped_on > on
    return True


def _medicine_line(med: PatientMedication) -> DoseLine:
    strengths = (med.strength,) if med.strength is not None else ()
    if med.as_needed:
        most = med.max_prn_per_day
        return DoseLine(
            drug=med.drug,
            release=med.release,
            form=med.form,
            unit=med.unit,
            strengths=strengths,
            administrations=(),
            daily_dose=None,
            as_needed=True,
            as_needed_strength=med.strength,
            as_needed_max_per_day=most,
            as_needed_daily_max=(med.strength * most) if med.strength and most else None,
            medication_id=med.public_id,
        )
    administrations: tuple[Administration, ...] = ()
    daily: Decimal | None = None
    if med.strength is not None and med.times:
        unit = DoseUnit(strength=med.strength, count=Decimal(1))
        administrations = tuple(
            Administration(time=str(t), amount=med.strength, units=(unit,)) for t in med.times
        )
        patch = med.unit.strip() in {"mcg/h", "mcg/hr"}
        # A patch's daily dose is its rate, however often it is changed.
        daily = med.strength if patch else med.strength * len(med.times)
    return DoseLine(
        drug=med.drug,
        release=med.release,
        form=med.form,
        unit=med.unit,
        strengths=strengths,
        administrations=administrations,
        daily_dose=daily,
        medication_id=med.public_id,
    )


def step_lines(step: Mapping[str, Any]) -> tuple[DoseLine, ...]:
    """A stored plan step's doses as dose lines (for compact staff wording of each step)."""
    return tuple(_plan_line(raw) for raw in step.get("medications", []))


def _plan_line(raw: dict[str, Any]) -> DoseLine:
    if raw.get("as_needed"):
        return _plan_as_needed_line(raw)
    administrations = []
    strengths: set[Decimal] = set()
    for time, units in (raw.get("administrations") or {}).items():
        parts = tuple(
            DoseUnit(
                strength=Decimal(str(u["strength"])),
                count=Decimal(str(u["count"])),
                release=u.get("release") or "",
                form=u.get("form") or "",
                unit=u.get("unit") or "",
            )
            for u in units
        )
        strengths.update(u.strength for u in parts)
        amount = sum((u.strength * u.count for u in parts), Decimal(0))
        administrations.append(Administration(time=time, amount=amount, units=parts))
    return DoseLine(
        drug=raw["drug"],
        release=raw.get("release") or "",
        form=raw.get("form") or "",
        unit=raw.get("unit") or "",
        strengths=tuple(sorted(strengths, reverse=True)),
        administrations=tuple(sorted(administrations, key=lambda a: a.time)),
        daily_dose=Decimal(str(raw.get("daily_dose", 0))),
        wear_hours=raw.get("wear_hours"),
        source=DoseSource.PLAN,
    )


def _plan_as_needed_line(raw: dict[str, Any]) -> DoseLine:
    """An as-needed line the plan tapers: the most a day, as units of one strength."""
    units = [u for us in (raw.get("administrations") or {}).values() for u in us]
    strength = Decimal(str(units[0]["strength"])) if units else None
    # No units left is the plan's last step for this line: none a day (stopped).
    most = int(sum((Decimal(str(u["count"])) for u in units), Decimal(0))) if units else 0
    daily = Decimal(str(raw.get("daily_dose", 0)))
    return DoseLine(
        drug=raw["drug"],
        release=raw.get("release") or "",
        form=raw.get("form") or "",
        unit=raw.get("unit") or "",
        strengths=(strength,) if strength is not None else (),
        administrations=(),
        daily_dose=None,
        as_needed=True,
        as_needed_strength=strength,
        as_needed_max_per_day=most,
        as_needed_daily_max=daily,
        source=DoseSource.PLAN,
    )


def _planned_keys(plan: TaperPlan) -> set[tuple[str, str, bool]]:
    """(drug, release, as needed) of each medicine the plan tapers, from its inputs."""
    keys = set()
    for entry in (plan.inputs or {}).get("medications", []):
        found = load_formulary().find(str(entry.get("drug", "")))
        keys.add(
            (
                (found.name if found else str(entry.get("drug"))).casefold(),
                entry.get("release") or "",
                bool(entry.get("as_needed")),
            )
        )
    return keys


def _replaced_by(med: PatientMedication, keys: set[tuple[str, str, bool]]) -> bool:
    """Whether the plan stands in for this medicine-list row (an as-needed row only when the
    plan tapers that as-needed line too, so its maximum is never counted twice)."""
    if not med.as_needed and not med.times:
        return False
    found = load_formulary().find(med.drug)
    name = (found.name if found else med.drug).casefold()
    kind = bool(med.as_needed)
    return (name, med.release or "", kind) in keys or (name, "", kind) in keys


def _step_in_force(plan: TaperPlan, on: date) -> PlanStep | None:
    return schedule_of(plan).step_on(on)


def _plan_on(plans: list[TaperPlan], on: date) -> tuple[TaperPlan, PlanStep] | None:
    """The latest approved plan with a step in force on `on`.

    A completed plan counts until the day it was completed; cancelled plans and drafts never.
    """
    for plan in sorted(
        plans, key=lambda p: (p.approved_at is not None, p.approved_at, p.pk), reverse=True
    ):
        if plan.status == PlanStatus.COMPLETED:
            done = getattr(plan, "completed_on", None)
            if done is None or on >= _as_date(done):
                continue
        elif plan.status not in IN_FORCE:
            continue
        found = _step_in_force(plan, on)
        if found is not None:
            return plan, found
    return None


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, date):
        return value
    raise TypeError(f"Not a date: {value!r}")


def _mme_of_lines(lines: list[DoseLine], pack: GuidelinePack) -> tuple[Decimal | None, list[str]]:
    """MME/day of medicine-list lines (as needed at their most), or None with the reason."""
    doses: list[MedicationDose] = []
    warnings: list[str] = []
    for line in lines:
        if line.as_needed:
            if line.as_needed_daily_max is None:
                warnings.append(f"{line.name}: as needed with no dose or daily limit; not counted")
                return None, warnings
            doses.append(
                MedicationDose(
                    drug=line.drug,
                    daily_dose=line.as_needed_daily_max,
                    unit=line.unit,
                    form=line.form or None,
                    release=line.release or None,
                )
            )
        elif line.daily_dose is None:
            warnings.append(f"{line.name}: no dose or times given; not counted")
            return None, warnings
        elif line.daily_dose > 0:
            doses.append(
                MedicationDose(
                    drug=line.drug,
                    daily_dose=line.daily_dose,
                    unit=line.unit,
                    form=line.form or None,
                    release=line.release or None,
                )
            )
    if not doses:
        return Decimal(0), warnings
    try:
        result = calculate_mme(doses, pack, formulary=load_formulary())
    except (DoseError, NoFactor, KeyError, ValueError) as error:
        warnings.append(f"The MME cannot be counted: {error}")
        return None, warnings
    for excluded in result.excluded:
        warnings.append(f"{excluded.drug}: not counted in MME ({excluded.reason})")
    return result.total_mme_per_day, warnings


def medicines_entered(medications: list[PatientMedication]) -> list[PatientMedication]:
    return [m for m in medications if m.status != MedicationStatus.ENTERED_IN_ERROR]


def _dose_of_record(
    *, on: date, medications: list[PatientMedication], plans: list[TaperPlan], pack: GuidelinePack
) -> DoseOfRecord:
    listed = [m for m in medications if _on_list(m, on)]
    opioids = [m for m in listed if _is_opioid(m.drug)]
    found = _plan_on(plans, on)
    if found is None:
        lines = [_medicine_line(m) for m in opioids]
        mme, warnings = _mme_of_lines(lines, pack)
        entered = medicines_entered(medications)
        started = [m for m in entered if m.started_on is None or m.started_on <= on]
        if not entered:
            mme = None  # nothing entered: unknown, not zero
            warnings.append("No medicines have been entered.")
        elif not started:
            mme = None
            warnings.append("No medicine on the list had started by this day.")
        # Everything entered had stopped by this day (a finished taper): a known zero.
        starts = [m.started_on for m in opioids if m.started_on]
        if not listed and started:
            stops = [m.stopped_on for m in started if m.stopped_on]
            starts = stops
        scheduled = None
        if mme is not None:
            scheduled, _ = _mme_of_lines([line for line in lines if not line.as_needed], pack)
        return DoseOfRecord(
            on=on,
            source=DoseSource.MEDICINES,
            since=max(starts) if starts else None,
            mme_per_day=mme,
            scheduled_mme_per_day=scheduled,
            lines=tuple(lines),
            warnings=tuple(warnings),
        )
    plan, planned = found
    step = planned.document
    keys = _planned_keys(plan)
    replaced = tuple(m for m in opioids if _replaced_by(m, keys))
    kept = [m for m in opioids if m not in replaced]
    plan_lines = [_plan_line(raw) for raw in step.get("medications", [])]
    kept_lines = [_medicine_line(m) for m in kept]
    scheduled = planned.mme_per_day
    extra, warnings = _mme_of_lines(kept_lines, pack)
    mme = None if scheduled is None or extra is None else scheduled + extra
    kept_scheduled, _ = _mme_of_lines([line for line in kept_lines if not line.as_needed], pack)
    # The step's MME counts the as-needed lines the plan tapers at their most; take them out of
    # the scheduled figure.
    planned_as_needed = [line for line in plan_lines if line.as_needed]
    if planned_as_needed and scheduled is not None:
        as_needed_mme, _ = _mme_of_lines(planned_as_needed, pack)
        scheduled = None if as_needed_mme is None else scheduled - as_needed_mme
    scheduled_total = (
        None if scheduled is None or kept_scheduled is None else scheduled + kept_scheduled
    )
    paused = plan.status == PlanStatus.PAUSED or planned.paused
    return DoseOfRecord(
        on=on,
        source=DoseSource.PLAN,
        since=planned.start,
        mme_per_day=mme,
        scheduled_mme_per_day=scheduled_total,
        lines=(*plan_lines, *kept_lines),
        plan_id=plan.public_id,
        plan_pk=plan.pk,
        step_index=planned.index,
        paused=paused,
        replaced=replaced,
        warnings=tuple(warnings),
        plan_started=_plan_start(plan),
    )


def _plan_start(plan: TaperPlan) -> date | None:
    return schedule_of(plan).first_day


def _completed_on(plan: TaperPlan) -> date | None:
    details = getattr(plan, "completed", None)
    if isinstance(details, str):  # some backends hand a JSON subquery back undecoded
        details = json.loads(details)
    if isinstance(details, dict) and details.get("on"):
        return date.fromisoformat(str(details["on"]))
    at = getattr(plan, "completed_at", None)
    return _as_date(at) if at is not None else None


def dose_plans_prefetch() -> Prefetch[str, QuerySet[TaperPlan]]:
    """For list pages: `prefetch_related(dose_plans_prefetch(), dose_medicines_prefetch())`."""
    return Prefetch("taper_plans", queryset=_plans_queryset_all(), to_attr="dose_plans")


def dose_medicines_prefetch() -> Prefetch[str, QuerySet[PatientMedication]]:
    return Prefetch(
        "medications",
        queryset=PatientMedication.objects.exclude(status=MedicationStatus.ENTERED_IN_ERROR),
        to_attr="dose_medicines",
    )


def _plans_queryset_all() -> QuerySet[TaperPlan]:
    completed_on = TaperEvent.objects.filter(
        plan=OuterRef("pk"), kind=TaperEventKind.COMPLETED
    ).order_by("-at")
    return TaperPlan.objects.filter(status__in=(*IN_FORCE, PlanStatus.COMPLETED)).annotate(
        completed=Subquery(completed_on.values("details")[:1]),
        completed_at=Subquery(completed_on.values("at")[:1]),
    )


def doses_of_record(
    patients: Iterable[Patient], *, on: date | None = None, pack: GuidelinePack | None = None
) -> dict[int, DoseOfRecord]:
    """`dose_of_record` for many patients with two queries (none with the prefetches above).

    `on` defaults to each patient's clinic's today; `pack` to each clinic's guideline pack.
    """
    from taperwell.tapering.engine import pack_for

    patients = list(patients)
    missing = [p.pk for p in patients if not hasattr(p, "dose_plans")]
    plans: dict[int, list[TaperPlan]] = defaultdict(list)
    medicines: dict[int, list[PatientMedication]] = defaultdict(list)
    if missing:
        for plan in _plans_queryset_all().filter(patient_id__in=missing):
            plans[plan.patient_id].append(plan)
    missing = [p.pk for p in patients if not hasattr(p, "dose_medicines")]
    if missing:
        rows = PatientMedication.objects.filter(patient_id__in=missing).exclude(
            status=MedicationStatus.ENTERED_IN_ERROR
        )
        for med in rows.order_by("drug", "created_at"):
            medicines[med.patient_id].append(med)
    packs: dict[int, GuidelinePack] = {}
    answers = {}
    for patient in patients:
        if pack is None and patient.clinic_id not in packs:
            packs[patient.clinic_id] = pack_for(patient.clinic)
        day = on or _clinic_today(patient.clinic)
        patient_plans = getattr(patient, "dose_plans", None)
        patient_meds = getattr(patient, "dose_medicines", None)
        for plan in patient_plans if patient_plans is not None else plans[patient.pk]:
            plan.completed_on = _completed_on(plan)
        answers[patient.pk] = _dose_of_record(
            on=day,
            medications=sorted(
                patient_meds if patient_meds is not None else medicines[patient.pk],
                key=lambda m: (m.drug, m.created_at),
            ),
            plans=patient_plans if patient_plans is not None else plans[patient.pk],
            pack=pack if pack is not None else packs[patient.clinic_id],
        )
    return answers


def load_dose_rows(patient: Patient) -> None:
    """Load what `dose_of_record` reads onto one patient (two queries), so a page that also
    needs the plan in force or the medicine list reads them from there.

    The same rows and attributes as `dose_plans_prefetch` and `dose_medicines_prefetch`, read
    directly: for one patient the prefetch machinery costs more than the two queries. The
    plan's draft (the schedule as first drafted) and its revisions (each an earlier schedule)
    stay unread here; nothing that reads the dose of record needs them."""
    plans = _DOSE_PLANS.rows(patient=patient.pk)
    medicines = _DOSE_MEDICINES.rows(patient=patient.pk)
    for plan in plans:
        plan.patient = patient
    for medicine in medicines:
        medicine.patient = patient
    vars(patient)["dose_plans"] = plans
    vars(patient)["dose_medicines"] = medicines


def _dose_plans_query(*, patient: int) -> QuerySet[TaperPlan]:
    return _plans_queryset_all().filter(patient_id=patient).defer("draft", "revisions")


def _dose_medicines_query(*, patient: int) -> QuerySet[PatientMedication]:
    return PatientMedication.objects.filter(patient_id=patient).exclude(
        status=MedicationStatus.ENTERED_IN_ERROR
    )


# `load_dose_rows`' two reads, compiled once per process (core.prepared): the plans' two
# subqueries cost more to build on each request than the database takes to answer them.
_DOSE_PLANS: Prepared[TaperPlan] = Prepared(_dose_plans_query, patient=int)
_DOSE_MEDICINES: Prepared[PatientMedication] = Prepared(_dose_medicines_query, patient=int)


def plan_in_force_of(patient: Patient) -> TaperPlan | None:
    """The approved or paused plan in force (as `tapering.selectors.current_plan`), from the rows
    `load_dose_rows` fetched."""
    plans = [p for p in _loaded_plans(patient) if p.status in IN_FORCE]
    plans.sort(key=lambda p: (p.approved_at is not None, p.approved_at, p.pk), reverse=True)
    return plans[0] if plans else None


def active_medications_of(patient: Patient) -> list[PatientMedication]:
    """`active_medications`, from the rows `load_dose_rows` fetched."""
    rows = [m for m in _loaded_medicines(patient) if m.status == MedicationStatus.ACTIVE]
    return sorted(rows, key=lambda m: (m.drug, m.created_at))


def _loaded_plans(patient: Patient) -> list[TaperPlan]:
    """The plans `dose_plans_prefetch` put on the patient (`to_attr`: the model declares none)."""
    plans: list[TaperPlan] = vars(patient)["dose_plans"]
    return plans


def _loaded_medicines(patient: Patient) -> list[PatientMedication]:
    """The medicines `dose_medicines_prefetch` put on the patient (`to_attr`)."""
    medicines: list[PatientMedication] = vars(patient)["dose_medicines"]
    return medicines


def _rows_of(patient: Patient) -> tuple[list[TaperPlan], list[PatientMedication]]:
    if hasattr(patient, "dose_plans") and hasattr(patient, "dose_medicines"):
        # read already in this request (`load_dose_rows`)
        plans = list(_loaded_plans(patient))
        medicines = sorted(_loaded_medicines(patient), key=lambda m: (m.drug, m.created_at))
    else:
        plans = list(_plans_queryset_all().filter(patient=patient))
        medicines = list(
            PatientMedication.objects.filter(patient=patient)
            .exclude(status=MedicationStatus.ENTERED_IN_ERROR)
            .order_by("drug", "created_at")
        )
    for plan in plans:
        plan.completed_on = _completed_on(plan)
    return plans, medicines


def dose_of_record_by_day(
    patient: Patient, days: Iterable[date], *, pack: GuidelinePack | None = None
) -> dict[date, DoseOfRecord]:
    """The dose of record on each of `days`, loading the patient's rows once (two queries)."""
    from taperwell.tapering.engine import pack_for

    pack = pack if pack is not None else pack_for(patient.clinic)
    plans, medicines = _rows_of(patient)
    return {
        day: _dose_of_record(on=day, medications=medicines, plans=plans, pack=pack) for day in days
    }


def dose_of_record_series(
    patient: Patient, *, start: date, end: date, pack: GuidelinePack | None = None
) -> dict[date, DoseOfRecord]:
    """The dose of record on `start`, `end` and every day between on which it may change (a
    step begins, a plan is completed, a medicine starts or stops): for charts. Two queries."""
    from taperwell.tapering.engine import pack_for

    pack = pack if pack is not None else pack_for(patient.clinic)
    plans, medicines = _rows_of(patient)
    days = {start, end}
    for plan in plans:
        days.update(step.start for step in schedule_of(plan).steps)
        if plan.completed_on:
            days.add(plan.completed_on)
    for med in medicines:
        days.update(d for d in (med.started_on, med.stopped_on) if d)
    return {
        day: _dose_of_record(on=day, medications=medicines, plans=plans, pack=pack)
        for day in sorted(d for d in days if start <= d <= end)
    }


def dose_of_record(
    patient: Patient, *, on: date | None = None, pack: GuidelinePack | None = None
) -> DoseOfRecord:
    """What the patient takes on `on` (the clinic's today by default): the one dose every page,
    PDF, export and API answer shows. The approved plan's step in force, else the medicine list.
    """
    return doses_of_record([patient], on=on, pack=pack)[patient.pk]


# ---------------------------------------------------------------------------------------------
# One naloxone status: the patient's own naloxone plan and the medicine list together.

EXPIRY_WARNING_DAYS = 30  # source = "none": a renewal month, the same as the reminder sweep's


class NaloxoneState(models.TextChoices):
    AT_HOME = "at_home", _("At home")
    EXPIRED = "expired", _("Expired")
    PRESCRIBED = "prescribed", _("On the medicine list; not confirmed at home")
    NONE = "none", _("None at home")
    UNKNOWN = "unknown", _("Not known yet")


@dataclass(frozen=True)
class NaloxoneStatus:
    """`state` for every page; `expires_soon` when the expiry is within 30 days (care team too)."""

    state: str
    expires_on: date | None
    days_left: int | None
    on_medicine_list: bool
    patient_answered: bool
    kept_where: str = ""
    someone_knows: bool | None = None

    @property
    def expires_soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= EXPIRY_WARNING_DAYS

    @property
    def label(self) -> str:
        return str(NaloxoneState(self.state).label)

    @property
    def words(self) -> str:
        """One line, the same on every staff page and PDF."""
        text = self.label
        if self.state == NaloxoneState.AT_HOME and self.expires_on:
            text += f", expires {self.expires_on:%b} {self.expires_on.day}, {self.expires_on.year}"
            if self.expires_soon:
                text += f" (in {self.days_left} days)"
        elif self.state == NaloxoneState.EXPIRED and self.expires_on:
            text += f" on {self.expires_on:%b} {self.expires_on.day}, {self.expires_on.year}"
        return text

    @property
    def patient_words(self) -> str:
        """The same status in the patient's words."""
        from django.utils.formats import date_format
        from django.utils.translation import gettext

        if self.state == NaloxoneState.AT_HOME:
            text = gettext("You have naloxone at home.")
            if self.expires_soon and self.expires_on:
                text += " " + gettext(
                    "It runs out on %(day)s. Ask your pharmacy for a new one."
                ) % {"day": date_format(self.expires_on, gettext("F j"))}
            return text
        if self.state == NaloxoneState.EXPIRED:
            return gettext("Your naloxone has run out. Ask your pharmacy for a new one.")
        if self.state == NaloxoneState.PRESCRIBED:
            return gettext("Naloxone is on your medicine list. Do you have it at home?")
        if self.state == NaloxoneState.NONE:
            return gettext("You told us you have no naloxone at home.")
        return gettext("We don't know yet if you have naloxone at home.")

    def as_document(self) -> dict[str, Any]:
        return {
            "state": str(self.state),
            "label": self.label,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "expires_soon": self.expires_soon,
            "on_medicine_list": self.on_medicine_list,
        }


def _naloxone_status(
    *, plan: NaloxonePlan | None, listed: bool, clinic_says: bool | None, today: date
) -> NaloxoneStatus:
    answered = plan is not None and plan.has_naloxone is not None
    expires = plan.expires_on if plan is not None and plan.has_naloxone is not False else None
    days_left = (expires - today).days if expires else None
    if answered and plan is not None and plan.has_naloxone is False:
        state = NaloxoneState.PRESCRIBED if listed else NaloxoneState.NONE
    elif (answered or clinic_says) and expires is not None and expires < today:
        state = NaloxoneState.EXPIRED
    elif answered or clinic_says:
        state = NaloxoneState.AT_HOME
    elif listed:
        state = NaloxoneState.PRESCRIBED
    elif clinic_says is False:
        state = NaloxoneState.NONE
    else:
        state = NaloxoneState.UNKNOWN
    return NaloxoneStatus(
        state=state,
        expires_on=expires,
        days_left=days_left,
        on_medicine_list=listed,
        patient_answered=answered,
        kept_where=plan.kept_where if plan is not None else "",
        someone_knows=plan.someone_knows if plan is not None else None,
    )


def naloxone_statuses(
    patients: Iterable[Patient], *, today: date | None = None
) -> dict[int, NaloxoneStatus]:
    """`naloxone_status` for many patients in three queries."""
    patients = list(patients)
    ids = [p.pk for p in patients]
    plans = {p.patient_id: p for p in NaloxonePlan.objects.filter(patient_id__in=ids)}
    clinic_says = dict(
        RiskProfile.objects.filter(patient_id__in=ids).values_list("patient_id", "has_naloxone")
    )
    listed = set(
        PatientMedication.objects.filter(
            patient_id__in=ids, status=MedicationStatus.ACTIVE, drug__iexact="naloxone"
        ).values_list("patient_id", flat=True)
    )
    return {
        p.pk: _naloxone_status(
            plan=plans.get(p.pk),
            listed=p.pk in listed,
            clinic_says=clinic_says.get(p.pk),
            today=today or _clinic_today(p.clinic),
        )
        for p in patients
    }


def naloxone_status(patient: Patient, *, today: date | None = None) -> NaloxoneStatus:
    """The one naloxone status every page shows (the patient's plan and the medicine list)."""
    return naloxone_statuses([patient], today=today)[patient.pk]
