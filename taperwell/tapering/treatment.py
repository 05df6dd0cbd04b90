"""When tapering reveals more: concern for opioid use disorder, and a referral or transition to
medication treatment (buprenorphine or methadone), logged as a decision on the plan.

CDC-2022 Recommendation 12: clinicians should offer or arrange treatment with medications for
opioid use disorder (buprenorphine or methadone) for patients with opioid use disorder (source
`CDC-2022` in `clinical/data/sources.toml`; HHS-2019 says the same for patients who show signs of
it during a taper). The decision changes no dose: the taper engine never doses buprenorphine or
methadone as treatment (buprenorphine has no MME factor, so it cannot be planned at all), and
the plan is changed, paused or ended only through its own decisions.

The patient reads the decision in plain, respectful words (never "addict" or "abuse").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from taperwell.core.prepared import Prepared
from taperwell.patients.signals import send_required
from taperwell.tapering.models import PlanStatus, TaperEvent, TaperEventKind, TaperPlan
from taperwell.tapering.services import _must_be_clinician
from taperwell.tapering.signals import plan_changed

if TYPE_CHECKING:
    from taperwell.accounts.models import User
    from taperwell.patients.models import Patient

SOURCE = "CDC-2022"
SOURCE_LABEL = "CDC-2022 Rec 12"


class TreatmentStep(models.TextChoices):
    DISCUSSED = "discussed", _("Discussed medication treatment")
    REFERRED = "referred", _("Referred for medication treatment")
    TRANSITION = "transition", _("Transition to medication treatment planned")


class TreatmentMedicine(models.TextChoices):
    BUPRENORPHINE = "buprenorphine", _("Buprenorphine")
    METHADONE = "methadone", _("Methadone")
    UNDECIDED = "undecided", _("Not decided yet")


@transaction.atomic
def treatment_decision_record(
    *,
    plan: TaperPlan,
    by: User,
    oud_concern: bool,
    step: str,
    medicine: str,
    on: date,
    reason: str,
) -> TaperEvent:
    """Log the decision on the plan and tell the patient in plain words. No dose changes."""
    _must_be_clinician(by)
    if plan.status in (PlanStatus.DRAFT, PlanStatus.DISCARDED):
        raise ValidationError("Record it on an approved plan, not on a draft.")
    if step not in TreatmentStep.values or medicine not in TreatmentMedicine.values:
        raise ValidationError("Choose what was decided and which medicine.")
    if not reason.strip():
        raise ValidationError("Say what was seen and what was agreed.")
    event = TaperEvent.objects.create(
        plan=plan,
        kind=TaperEventKind.TREATMENT,
        by=by,
        reason=reason.strip()[:1000],
        details={
            "oud_concern": bool(oud_concern),
            "step": step,
            "medicine": medicine,
            "on": on.isoformat(),
            "source": SOURCE,
            "recommendation": "Rec 12",
        },
    )
    _tell_patient(plan, event)
    return event


@dataclass(frozen=True)
class TreatmentDecision:
    """The latest decision, for the care page and the visit view (clinicians only)."""

    on: date
    by: str
    oud_concern: bool
    step: str
    step_label: str
    medicine: str
    medicine_label: str
    reason: str
    source: str
    plan_public_id: Any


def latest_treatment_decision(patient: Patient) -> TreatmentDecision | None:
    event = (
        TaperEvent.objects.filter(plan__patient=patient, kind=TaperEventKind.TREATMENT)
        .select_related("by", "plan")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return None
    details = event.details
    return TreatmentDecision(
        on=date.fromisoformat(details["on"]),
        by=event.by.full_name if event.by else "",
        oud_concern=bool(details.get("oud_concern")),
        step=details["step"],
        step_label=str(TreatmentStep(details["step"]).label),
        medicine=details["medicine"],
        medicine_label=str(TreatmentMedicine(details["medicine"]).label),
        reason=event.reason,
        source=SOURCE_LABEL,
        plan_public_id=event.plan.public_id,
    )


PATIENT_TITLE = gettext_noop(
    "Your care team talked with you about a treatment that can make this easier"
)
_MEDICINE_WORDS = {
    TreatmentMedicine.BUPRENORPHINE: gettext_noop(
        "The medicine you talked about is called buprenorphine."
    ),
    TreatmentMedicine.METHADONE: gettext_noop("The medicine you talked about is called methadone."),
    TreatmentMedicine.UNDECIDED: gettext_noop(
        "Two of these medicines are buprenorphine and methadone."
    ),
}
_STEP_WORDS = {
    TreatmentStep.DISCUSSED: gettext_noop(
        "You can take time to think about it and ask us anything."
    ),
    TreatmentStep.REFERRED: gettext_noop(
        "Your care team will help you meet a doctor who gives this treatment."
    ),
    TreatmentStep.TRANSITION: gettext_noop(
        "Your care team will plan the change with you, one step at a time."
    ),
}


def patient_words(*, step: str, medicine: str) -> str:
    """What the patient reads: plain, warm, no blame (about a 7th-grade reading level)."""
    return " ".join(
        gettext(sentence)
        for sentence in (
            gettext_noop("Lowering opioids can be very hard, even when you go slowly."),
            gettext_noop(
                "Some medicines can help. They ease withdrawal and cravings, and they help keep"
                " you safe. Many people use them."
            ),
            _MEDICINE_WORDS[TreatmentMedicine(medicine)],
            _STEP_WORDS[TreatmentStep(step)],
            gettext_noop("Your doses do not change until you and your care team decide together."),
        )
    )


def _latest_details_query(*, patient: int) -> QuerySet[TaperEvent, Any]:
    return (
        TaperEvent.objects.filter(plan__patient_id=patient, kind=TaperEventKind.TREATMENT)
        .order_by("-at", "-pk")
        .values("details")[:1]
    )


# Compiled once per process (core.prepared).
_LATEST_DETAILS = Prepared(_latest_details_query, patient=int)


def latest_details_column() -> Subquery:
    """For a query of patients: the details of their latest treatment decision (None: none
    yet), as `latest_for_patient` reads them; `words_for_patient` words them."""
    return Subquery(
        TaperEvent.objects.filter(plan__patient_id=OuterRef("pk"), kind=TaperEventKind.TREATMENT)
        .order_by("-at", "-pk")
        .values("details")[:1]
    )


def latest_for_patient(patient: Patient) -> dict[str, str] | None:
    """The patient's own view of the latest decision: a title and plain words (only the
    decision's step and medicine are read: no names, no plan)."""
    latest = _LATEST_DETAILS.first(patient=patient.pk)
    return words_for_patient(latest["details"] if latest is not None else None)


def words_for_patient(details: dict[str, Any] | str | None) -> dict[str, str] | None:
    """`latest_for_patient` for a decision's details already read (None: no decision)."""
    # Some backends hand a JSON subquery back undecoded.
    decision: dict[str, Any] | None = json.loads(details) if isinstance(details, str) else details
    if decision is None:
        return None
    return {
        "title": gettext(PATIENT_TITLE),
        "body": patient_words(step=decision["step"], medicine=decision["medicine"]),
    }


def _tell_patient(plan: TaperPlan, event: TaperEvent) -> None:
    patient = plan.patient
    if patient.user_id is None:
        return
    body = patient_words(step=event.details["step"], medicine=event.details["medicine"])
    send_required(
        plan_changed,
        sender="tapering",
        patient=patient,
        key=f"treatment:{event.pk}",
        title=gettext(PATIENT_TITLE),
        body=body[:400],
        url="/my-medicines/",
    )
