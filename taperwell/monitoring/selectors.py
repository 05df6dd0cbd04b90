"""Reads: a patient's monitoring records, and what is due from the clinic's policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from taperwell.monitoring.models import Kind, MonitoringPolicy, MonitoringRecord, RecordStatus
from taperwell.monitoring.schedule import DueItem, Policy, due_item, load_policy

if TYPE_CHECKING:
    from taperwell.clinics.models import Clinic
    from taperwell.patients.models import Patient


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    return load_policy()


@dataclass(frozen=True)
class ClinicPolicy:
    every_days: dict[str, int]
    soon_days: int
    agreement_for_all: bool
    agreement_tiers: tuple[str, ...]


def clinic_policy(clinic: Clinic) -> ClinicPolicy:
    """The cited defaults, with the clinic's own intervals where it set them."""
    base = default_policy()
    own = MonitoringPolicy.objects.filter(clinic=clinic).first()
    every = {kind: base.every(kind) for kind in base.items}
    if own is not None:
        for kind in every:
            value = getattr(own, f"{kind}_every_days")
            if value:
                every[kind] = value
    return ClinicPolicy(
        every_days=every,
        soon_days=base.soon_days,
        agreement_for_all=bool(own and own.agreement_for_all),
        agreement_tiers=base.items["agreement"].required_at,
    )


def records_of(patient: Patient) -> list[MonitoringRecord]:
    """Every record of a patient, newest first, entered-in-error ones included (struck through)."""
    return list(
        MonitoringRecord.objects.filter(patient=patient).select_related("by", "marked_in_error_by")
    )


def _latest_current(records: list[MonitoringRecord]) -> dict[str, MonitoringRecord]:
    latest: dict[str, MonitoringRecord] = {}
    for record in records:  # newest first
        if record.status == RecordStatus.CURRENT and record.kind not in latest:
            latest[record.kind] = record
    return latest


@dataclass(frozen=True)
class PatientNeeds:
    """What the patient's medicines say about monitoring today."""

    on_opioids: bool
    mme: Decimal | None  # None: cannot be counted
    agreement_tier: str | None  # the state tier reached that requires an agreement
    naloxone_advised: bool


def needs_of(patient: Patient, policy: ClinicPolicy) -> PatientNeeds:
    from taperwell.medications.selectors import active_medications, mme_of, naloxone_advice
    from taperwell.tapering.engine import pack_for
    from taperwell.tapering.selectors import current_plan

    pack = pack_for(patient.clinic)
    mme = mme_of(active_medications(patient), pack)
    # An uncountable list may hold opioids: monitoring is then due, never quietly skipped.
    on_opioids = mme is None or mme > 0
    tier = None
    for threshold in pack.thresholds:
        if threshold.id in policy.agreement_tiers and mme is not None and mme >= threshold.at_least:
            tier = threshold.id
    advice = naloxone_advice(patient, tapering=current_plan(patient) is not None)
    return PatientNeeds(
        on_opioids=on_opioids,
        mme=mme,
        agreement_tier=tier,
        naloxone_advised=bool(advice and advice.recommended),
    )


def monitoring_due(
    patient: Patient,
    *,
    today: date,
    records: list[MonitoringRecord] | None = None,
    needs: PatientNeeds | None = None,
) -> list[DueItem]:
    """Each kind of monitoring for the patient: last done, due on, and its state today."""
    policy = clinic_policy(patient.clinic)
    needs = needs or needs_of(patient, policy)
    latest = _latest_current(records if records is not None else records_of(patient))
    starts_on = patient.enrolled_at.date() if patient.enrolled_at else today
    required = {
        Kind.PDMP: needs.on_opioids,
        Kind.UDT: needs.on_opioids,
        Kind.AGREEMENT: needs.on_opioids
        and (policy.agreement_for_all or needs.agreement_tier is not None),
        Kind.NALOXONE: needs.naloxone_advised,
    }
    items = []
    for kind in Kind:
        last = latest.get(kind)
        items.append(
            due_item(
                kind.value,
                last_done=last.done_on if last else None,
                every_days=policy.every_days[kind.value],
                starts_on=starts_on,
                today=today,
                soon_days=policy.soon_days,
                required=required[kind],
                due_by=last.renew_by if last and kind == Kind.AGREEMENT else None,
            )
        )
    return items
