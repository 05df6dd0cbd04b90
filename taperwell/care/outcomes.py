"""Clinic outcomes over a period, and what changed between guideline packs."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Subquery

from taperwell.care.models import Flag, FlagEvent, FlagEventKind, Severity, rule_label
from taperwell.patients.models import Patient, PatientStatus
from taperwell.tapering.models import PlanStatus, TaperPlan
from taperwell.tapering.selectors import schedule_of

if TYPE_CHECKING:
    from taperwell.clinical.guidelines import GuidelinePack
    from taperwell.clinics.models import Clinic


def _first_and_last_peg(patient_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Each patient's first and latest PEG total: two index lookups a patient, not every
    answer the clinic ever gave."""
    from taperwell.checkins.models import EntryStatus, QuestionnaireResponse

    pegs = QuestionnaireResponse.objects.filter(
        patient=OuterRef("pk"), instrument="peg", status=EntryStatus.CURRENT
    )
    rows = (
        Patient.objects.filter(pk__in=patient_ids)
        .annotate(
            first=Subquery(pegs.order_by("day").values("total")[:1]),
            last=Subquery(pegs.order_by("-day").values("total")[:1]),
        )
        .values_list("pk", "first", "last")
    )
    return {pk: (first, last) for pk, first, last in rows if first is not None}


def clinic_outcomes(clinic: Clinic, *, today: date, days: int) -> dict[str, Any]:
    from taperwell.checkins.models import CheckIn, EntryStatus

    since = today - timedelta(days=days)
    patients = Patient.objects.filter(clinic=clinic)
    plans = list(
        TaperPlan.objects.filter(
            patient__clinic=clinic,
            status__in=[PlanStatus.APPROVED, PlanStatus.PAUSED, PlanStatus.COMPLETED],
        ).only("patient_id", "status", "schedule")
    )
    changes: dict[int, Decimal] = {}
    for plan in plans:
        schedule = schedule_of(plan)
        baseline = schedule.baseline_mme_per_day or Decimal(0)
        # Where the plan has brought the patient: the last step begun, even on a finished plan.
        latest = schedule.latest_started(today)
        now = latest.mme_per_day if latest is not None else None
        if baseline and now is not None:
            changes[plan.patient_id] = (now - baseline) / baseline * 100
    pegs = _first_and_last_peg(list(changes))

    def held(pid: int) -> bool:
        first, last = pegs.get(pid, (None, None))
        return first is not None and last is not None and last <= first

    def share(cut: int) -> tuple[int, int]:
        reduced = [pid for pid, c in changes.items() if c <= -cut]
        return len([pid for pid in reduced if held(pid)]), len(changes)

    active = patients.filter(status=PatientStatus.ACTIVE).count()
    checkins = CheckIn.objects.filter(
        patient__clinic=clinic, status=EntryStatus.CURRENT, day__gt=since, day__lte=today
    ).count()
    acks = FlagEvent.objects.filter(
        flag__patient__clinic=clinic, kind=FlagEventKind.ACKNOWLEDGED, at__date__gt=since
    ).select_related("flag")
    hours = [(e.at - e.flag.raised_at).total_seconds() / 3600 for e in acks]
    return {
        "days": days,
        "since": since,
        "enrolled": patients.filter(enrolled_at__date__gt=since).count(),
        "active": active,
        "tapering": sum(1 for p in plans if p.status == PlanStatus.APPROVED),
        "paused": sum(1 for p in plans if p.status == PlanStatus.PAUSED),
        "finished": sum(1 for p in plans if p.status == PlanStatus.COMPLETED),
        "median_change": statistics.median(changes.values()) if changes else None,
        "held_25": share(25),
        "held_50": share(50),
        "adherence": (checkins / (active * days) * 100) if active else None,
        "flags": [
            row
            | {"label": rule_label(row["rule"]), "severity_label": Severity(row["severity"]).label}
            for row in Flag.objects.filter(patient__clinic=clinic, raised_at__date__gt=since)
            .values("rule", "severity")
            .annotate(n=Count("pk"))
            .order_by("-n")
        ],
        "median_hours_to_ack": statistics.median(hours) if hours else None,
    }


TIMES = "\N{MULTIPLICATION SIGN}"


def tiers_text(tiers: Any, unit: str) -> str:
    """Dose-dependent factors in words: "up to 20 mg/day: x4; over 20 up to 40 mg/day: x8; ...",
    with the multiplication sign, not the letter x."""
    parts = []
    below = None
    for tier in tiers:
        if tier.up_to is None:
            band = f"over {below} {unit}/day" if below is not None else "any dose"
        elif below is None:
            band = f"up to {tier.up_to} {unit}/day"
        else:
            band = f"over {below} up to {tier.up_to} {unit}/day"
        parts.append(f"{band}: {TIMES}{tier.factor}")
        below = tier.up_to
    return "; ".join(parts)


def pack_changes(old_id: str, new_id: str) -> list[dict[str, Any]]:
    """Factor differences between two guideline packs, drug by drug."""
    from taperwell.clinical.guidelines import load_pack

    old, new = load_pack(old_id), load_pack(new_id)

    def table(pack: GuidelinePack) -> dict[str, str]:
        rows = {}
        for rule in pack.factors:
            key = rule.drug + (f" ({', '.join(rule.forms)})" if rule.forms else "")
            value = (
                str(rule.factor)
                if rule.factor is not None
                else tiers_text(rule.tiers, rule.unit) or "—"
            )
            rows[key] = value
        for ex in pack.exclusions:
            rows[ex.drug] = "excluded"
        return rows

    before, after = table(old), table(new)
    return [
        {"drug": k, "old": before.get(k, "—"), "new": after.get(k, "—")}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    ]
