"""The patient timeline, clinic outcomes and guideline updates."""

from __future__ import annotations

import itertools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from taperwell.access import care_team_required, patient_for_user, role_required
from taperwell.clinics.models import CLINICAL_ROLES, Role

PERIODS = (30, 90, 180, 365)


@require_GET
@care_team_required
def visit(request: HttpRequest, public_id: str) -> HttpResponse:
    """The visit view: one screen for a 15-minute visit."""
    # Doses, scores and flag reasons: clinicians only (front desk gets 403, as on the care page).
    patient = patient_for_user(request, public_id, what="visit view", roles=CLINICAL_ROLES)
    from taperwell.care.visit import visit_summary
    from taperwell.tapering.services import local_today

    context = visit_summary(patient, today=local_today(patient.clinic))
    context |= {"patient": patient, "can_act": True}
    return render(request, "care/visit.html", context)


@require_GET
@care_team_required
def timeline(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(request, public_id, what="timeline", roles=CLINICAL_ROLES)
    from taperwell.care.selectors import can_read_notes
    from taperwell.care.timeline import build
    from taperwell.tapering.services import local_today

    days = 365 if request.GET.get("range") == "year" else 120
    return render(
        request,
        "care/timeline.html",
        {
            "patient": patient,
            "t": build(patient, today=local_today(patient.clinic), days=days),
            "show_notes": can_read_notes(request.user, patient),
        },
    )


@require_GET
@care_team_required
def timeline_data(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(request, public_id, what="timeline data", roles=CLINICAL_ROLES)
    from taperwell.checkins.models import CheckIn, QuestionnaireResponse

    return render(
        request,
        "care/timeline_data.html",
        {
            "patient": patient,
            "checkins": CheckIn.objects.filter(patient=patient).order_by("-day")[:400],
            "responses": QuestionnaireResponse.objects.filter(patient=patient).order_by("-day")[
                :200
            ],
        },
    )


@require_GET
@role_required(Role.ADMIN, Role.CLINICIAN)
def outcomes(request: HttpRequest) -> HttpResponse:
    from taperwell.access import clinic_of
    from taperwell.care.outcomes import clinic_outcomes
    from taperwell.core.db import reporting_reads
    from taperwell.tapering.services import local_today

    try:
        days = min(max(int(request.GET.get("days", 90)), 7), 730)
    except ValueError:
        days = 90
    clinic = clinic_of(request.user)
    with reporting_reads():  # the read replica when there is one
        figures = clinic_outcomes(clinic, today=local_today(clinic), days=days)
        return render(request, "care/outcomes.html", {"o": figures, "periods": PERIODS})


@require_GET
@care_team_required
def guidelines(request: HttpRequest) -> HttpResponse:
    from taperwell.access import clinic_of
    from taperwell.care.outcomes import pack_changes
    from taperwell.clinical.guidelines import available_packs, load_pack
    from taperwell.tapering.engine import pack_for

    packs = [load_pack(name) for name in available_packs()]
    packs.sort(key=lambda p: p.effective)
    diffs = [
        {"old": a, "new": b, "rows": pack_changes(a.id, b.id)} for a, b in itertools.pairwise(packs)
    ]
    return render(
        request,
        "care/guidelines.html",
        {"in_force": pack_for(clinic_of(request.user)), "packs": packs, "diffs": diffs},
    )
