"""Goals and values: what matters, small weekly steps, and marking a step done."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from taperwell.access import own_patient_record
from taperwell.checkins import care_links
from taperwell.checkins.selectors import clinic_today, current_checkins
from taperwell.goals import selectors, services
from taperwell.goals.forms import ActivityForm, GoalForm
from taperwell.goals.models import Activity, ActivityStatus, Goal, GoalStatus
from taperwell.patients.decorators import patient_page


@require_http_methods(["GET", "POST"])
@patient_page
def index(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="goals", write=request.method == "POST")
    today = clinic_today(patient.clinic)
    form = GoalForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            goal = services.goal_create(patient=patient, **form.cleaned_data)
            messages.success(request, _("Your goal is saved. Now add one small step toward it."))
            return redirect(f"{request.path}#goal-{goal.public_id}")
        messages.error(request, _("Please write a few words about your goal."))
    checkin_days = current_checkins(patient).values("day").distinct().count()
    plan = care_links.current_plan(patient)
    # The milestones read the steps' doses, none of their words: not worded again here.
    dose_drop = selectors.mme_drop_percent(plan, care_links.plan_step_doses(plan, today=today))
    return render(
        request,
        "goals/index.html",
        {
            "goals": selectors.goals_with_week(patient, today=today),
            "form": form,
            "activity_form": ActivityForm(),
            "milestones": selectors.milestones_for(
                patient, checkin_days=checkin_days, mme_drop_percent=dose_drop
            ),
            "today": today,
        },
    )


@require_POST
@patient_page
def activity_new(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = own_patient_record(request, what="goal step", write=True)
    goal = get_object_or_404(Goal, public_id=public_id, patient=patient, status=GoalStatus.ACTIVE)
    form = ActivityForm(request.POST)
    if form.is_valid():
        services.activity_create(patient=patient, goal=goal, **form.cleaned_data)
        messages.success(request, _("Step added to your week."))
        return redirect(f"{reverse('goals:index')}#goal-{goal.public_id}")
    return render(request, "goals/activity_form.html", {"form": form, "goal": goal})


@require_POST
@patient_page
def activity_done(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = own_patient_record(request, what="goal step done", write=True)
    activity = get_object_or_404(
        Activity, public_id=public_id, patient=patient, status=ActivityStatus.ACTIVE
    )
    services.activity_mark_done(
        patient=patient, activity=activity, day=clinic_today(patient.clinic)
    )
    messages.success(request, _("Well done. That step counts."))
    return redirect("today:today" if request.POST.get("next") == "today" else "goals:index")


@require_POST
@patient_page
def goal_reached(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = own_patient_record(request, what="goal reached", write=True)
    goal = get_object_or_404(Goal, public_id=public_id, patient=patient, status=GoalStatus.ACTIVE)
    services.goal_set_status(patient=patient, goal=goal, status=GoalStatus.REACHED)
    messages.success(
        request, _("You reached a goal that matters to you. That is worth celebrating.")
    )
    return redirect("goals:index")
