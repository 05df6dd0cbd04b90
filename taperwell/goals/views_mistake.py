"""Marking a goal, or a goal step done, as a mistake: a reason and a tick to confirm; the entry
is kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taperwell.access import own_patient_record
from taperwell.checkins.selectors import clinic_today
from taperwell.core.mistake import MISTAKE_NOT_SAVED, MistakeForm
from taperwell.goals import services
from taperwell.goals.models import ActivityDone, DoneStatus, Goal, GoalStatus
from taperwell.patients.decorators import patient_page


@require_POST
@patient_page
def activity_done_mistake(request: HttpRequest, public_id: str) -> HttpResponse:
    """Today's "I did this" for the step `public_id`, marked as a mistake."""
    patient = own_patient_record(request, what="goal step done entered in error", write=True)
    done = get_object_or_404(
        ActivityDone,
        activity__public_id=public_id,
        patient=patient,
        day=clinic_today(patient.clinic),
        status=DoneStatus.CURRENT,
    )
    form = MistakeForm(request.POST)
    if not form.is_valid():
        messages.error(request, MISTAKE_NOT_SAVED)
    else:
        services.activity_done_mark_entered_in_error(
            patient=patient, done=done, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Marked as a mistake. It is kept, but it no longer counts."))
    return redirect("goals:index")


@require_POST
@patient_page
def goal_mistake(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = own_patient_record(request, what="goal entered in error", write=True)
    goal = get_object_or_404(
        Goal,
        public_id=public_id,
        patient=patient,
        status__in=[GoalStatus.ACTIVE, GoalStatus.REACHED],
    )
    form = MistakeForm(request.POST)
    if not form.is_valid():
        messages.error(request, MISTAKE_NOT_SAVED)
    else:
        services.goal_mark_entered_in_error(
            patient=patient, goal=goal, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Marked as a mistake. It is kept, but it no longer counts."))
    return redirect("goals:index")
