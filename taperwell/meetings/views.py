"""Group sessions: the list, one session (RSVP, attendance), and a new session."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import clinic_of, patients_listed, role_of, role_required
from taperwell.clinics.models import CARE_ROLES, Role
from taperwell.meetings import services
from taperwell.meetings.forms import SessionForm
from taperwell.meetings.models import Attendance, GroupSession, Rsvp, RsvpStatus
from taperwell.patients.decorators import patient_page
from taperwell.patients.models import Patient

EVERYONE = (Role.PATIENT, *CARE_ROLES)


def _session(request: HttpRequest, public_id: str) -> GroupSession:
    return get_object_or_404(
        GroupSession.objects.select_related("led_by"),
        public_id=public_id,
        clinic=clinic_of(request.user),
    )


@require_GET
@role_required(*EVERYONE)
def index(request: HttpRequest) -> HttpResponse:
    # The whole of today in the clinic's time zone: a morning group stays listed all day.
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sessions = (
        GroupSession.objects.filter(clinic=clinic_of(request.user), starts_at__gte=start_of_today)
        .annotate(going=Count("rsvps", filter=Q(rsvps__status=RsvpStatus.GOING)))
        .order_by("starts_at")[:60]
    )
    mine: set[int] = set()
    if role_of(request.user) == Role.PATIENT:
        mine = set(
            Rsvp.objects.filter(patient__user=request.user, status=RsvpStatus.GOING).values_list(
                "session_id", flat=True
            )
        )
    return render(request, "meetings/index.html", {"sessions": sessions, "mine": mine})


@require_GET
@role_required(*EVERYONE)
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    session = _session(request, public_id)
    rsvps = list(session.rsvps.filter(status=RsvpStatus.GOING).select_related("patient"))
    context = {"session": session, "going": len(rsvps), "is_patient": False}
    if role_of(request.user) == Role.PATIENT:
        context["is_patient"] = True
        context["my_rsvp"] = next((r for r in rsvps if r.patient.user_id == request.user.pk), None)
    else:
        marks = {a.patient_id: a.attended for a in Attendance.objects.filter(session=session)}
        context["rsvps"] = [(r, marks.get(r.patient_id)) for r in rsvps]
        patients_listed(request, [r.patient for r in rsvps], what="group session attendee list")
        context["started"] = session.starts_at <= timezone.now()
        if context["started"]:
            context["others"] = [
                (patient, marks.get(patient.pk)) for patient in _other_members(session, rsvps)
            ]
    return render(request, "meetings/detail.html", context)


def _other_members(session: GroupSession, rsvps: list[Rsvp]) -> list[Patient]:
    """The clinic's patients in the program who did not say they were coming."""
    return list(
        Patient.objects.taking_part()
        .filter(clinic_id=session.clinic_id)
        .exclude(pk__in=[r.patient_id for r in rsvps])
        .order_by("full_name")
    )


@require_POST
@patient_page
def rsvp(request: HttpRequest, public_id: str) -> HttpResponse:
    session = _session(request, public_id)
    going = request.POST.get("going") == "yes"
    try:
        services.rsvp_set(session=session, patient=request.user.patient, going=going)
    except ValidationError as problem:
        flash.error(request, " ".join(problem.messages))
    else:
        flash.success(
            request,
            _("You're in. We'll remind you before it starts.")
            if going
            else _("Thanks for letting us know."),
        )
    return redirect("meetings:detail", public_id=session.public_id)


@require_POST
@role_required(*CARE_ROLES)
def attendance(request: HttpRequest, public_id: str) -> HttpResponse:
    session = _session(request, public_id)
    rsvps = session.rsvps.filter(status=RsvpStatus.GOING).select_related("patient")
    patients = [r.patient for r in rsvps]
    present = {int(x) for x in request.POST.getlist("present") if x.isdigit()}
    try:
        services.attendance_mark(
            session=session, by=request.user, present=present, patients=patients
        )
    except ValidationError as problem:
        flash.error(request, " ".join(problem.messages))
    else:
        flash.success(request, _("Attendance saved."))
    return redirect("meetings:detail", public_id=session.public_id)


@require_http_methods(["GET", "POST"])
@role_required(*CARE_ROLES)
def new(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "weeks"}
        try:
            made = services.sessions_create(
                clinic=clinic_of(request.user),
                led_by=request.user,
                weeks=form.cleaned_data["weeks"],
                **fields,
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            flash.success(request, _("Session saved."))
            return redirect("meetings:detail", public_id=made[0].public_id)
    return render(request, "meetings/new.html", {"form": form})
