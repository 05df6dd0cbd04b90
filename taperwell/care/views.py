"""The care team's triage dashboard, a patient's care page, flags, notes and encouragement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import (
    care_team_required,
    clinic_of,
    patient_for_user,
    patients_listed,
    role_of,
    role_required,
)
from taperwell.care.dashboard import Filters, rows_for, triage_queryset, with_row_data
from taperwell.care.forms import (
    AcknowledgeForm,
    EncouragementForm,
    EnteredInErrorForm,
    NoteForm,
    ResolveForm,
    TriageFilterForm,
)
from taperwell.care.models import ClinicalNote, Flag, FlagStatus
from taperwell.care.selectors import can_read_notes, flags_of, notes_of, suggested_action
from taperwell.care.services import (
    encouragement_send,
    flag_acknowledge,
    flag_resolve,
    note_create,
    note_mark_entered_in_error,
)
from taperwell.clinics.models import CLINICAL_ROLES, Role
from taperwell.tapering.engine import pack_for
from taperwell.tapering.models import PlanStatus
from taperwell.tapering.services import local_today

PAGE_SIZE = 50
clinical_required = role_required(*CLINICAL_ROLES)


@require_http_methods(["GET", "POST"])
@care_team_required
def dashboard(request: HttpRequest) -> HttpResponse:
    clinic = clinic_of(request.user)
    today = local_today(clinic)
    # A name search comes by POST, so patients' names stay out of addresses, browser history
    # and access logs; a `q` in the address is ignored.
    filters_in = request.POST if request.method == "POST" else _without_search(request.GET)
    clinical = role_of(request.user) in CLINICAL_ROLES
    form = TriageFilterForm(filters_in or None, clinical=clinical)
    data = form.cleaned_data if form.is_valid() else {}
    default_scope = "mine" if role_of(request.user) in CLINICAL_ROLES else "all"
    scope = data.get("scope") or default_scope
    filters = Filters(
        mine=scope == "mine",
        rule=(data.get("rule") or "") if clinical else "",
        paused=bool(data.get("paused")),
        quiet_days=data.get("quiet"),
        search=(data.get("q") or "").strip(),
    )
    if not filters_in:
        form = TriageFilterForm(initial={"scope": default_scope}, clinical=clinical)
    page = Paginator(
        with_row_data(triage_queryset(request.user, filters, today=today)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": rows_for(page, pack_for(clinic), today),
        "query": _query_without_page(request),
        "today": today,
        # Front desk sees that a patient needs clinical attention, never why, and no doses.
        "clinical": clinical,
        "notices": request.user.care_notices.filter(read_at__isnull=True).count(),
    }
    patients_listed(request, [row.patient for row in context["rows"]], what="triage list")
    template = "care/_triage_rows.html" if request.htmx else "care/dashboard.html"
    return render(request, template, context)


def _without_search(query: QueryDict) -> QueryDict:
    query = query.copy()
    query.pop("q", None)
    return query


def _query_without_page(request: HttpRequest) -> str:
    query = _without_search(request.POST if request.method == "POST" else request.GET)
    query.pop("page", None)
    query.pop("csrfmiddlewaretoken", None)
    return query.urlencode()


@require_GET
@care_team_required
def patient_care(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(request, public_id, what="care page", roles=CLINICAL_ROLES)
    from taperwell.medications.selectors import dose_of_record, naloxone_status
    from taperwell.tapering.selectors import current_plan, step_position

    plan = current_plan(patient)
    today = local_today(patient.clinic)
    flags = flags_of(patient)
    for flag in flags:
        flag.suggested = suggested_action(flag, plan=plan, patient=patient)
    return render(
        request,
        "care/patient.html",
        {
            "patient": patient,
            "record": dose_of_record(patient, on=today),
            "naloxone": naloxone_status(patient, today=today),
            "flags": flags,
            "notes": notes_of(patient) if can_read_notes(request.user, patient) else None,
            "can_act": role_of(request.user) in CLINICAL_ROLES,
            "can_change_phase": role_of(request.user) == Role.CLINICIAN,
            "plan": plan,
            "position": step_position(plan, today=today),
            "acknowledge_form": AcknowledgeForm(),
            "resolve_form": ResolveForm(
                taper_paused=plan is not None and plan.status == PlanStatus.PAUSED
            ),
            "note_form": NoteForm(),
            "encouragement_form": EncouragementForm(),
            "error_form": EnteredInErrorForm(),
        },
    )


def flag_for_user(request: HttpRequest, public_id: str) -> Flag:
    """A flag of a patient the person may see (404 otherwise); audited as a change."""
    flag = Flag.objects.filter(public_id=public_id).select_related("patient").first()
    if flag is None:
        raise Http404("No such flag")
    patient_for_user(request, flag.patient.public_id, what="flag", write=True, roles=CLINICAL_ROLES)
    return flag


def _back(request: HttpRequest, flag: Flag) -> HttpResponse:
    if request.POST.get("next") == "dashboard":
        return redirect("care:dashboard")
    return redirect("care:patient", public_id=flag.patient.public_id)


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_POST
@clinical_required
def flag_acknowledge_view(request: HttpRequest, public_id: str) -> HttpResponse:
    flag = flag_for_user(request, public_id)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            flag_acknowledge(flag=flag, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, "Flag acknowledged.")
        except ValidationError as error:
            messages.error(request, _errors(error))
            return _back(request, flag)
    return _back(request, flag)


@require_POST
@clinical_required
def flag_resolve_view(request: HttpRequest, public_id: str) -> HttpResponse:
    flag = flag_for_user(request, public_id)
    form = ResolveForm(request.POST, taper_paused=True)  # the service checks the pause itself
    if not form.is_valid():
        messages.error(request, "Choose what was done.")
        return _back(request, flag)
    try:
        flag_resolve(
            flag=flag,
            by=request.user,
            resolution=form.cleaned_data["resolution"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, "Flag resolved.")
    except ValidationError as error:
        messages.error(request, _errors(error))
    return _back(request, flag)


@require_POST
@clinical_required
def note_create_view(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(
        request, public_id, what="clinical note", write=True, roles=CLINICAL_ROLES
    )
    form = NoteForm(request.POST)
    if form.is_valid():
        note_create(patient=patient, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Note saved.")
    else:
        messages.error(request, "Write the note before saving it (at most 4000 characters).")
    return redirect("care:patient", public_id=patient.public_id)


@require_POST
@clinical_required
def note_error_view(request: HttpRequest, public_id: str) -> HttpResponse:
    note = ClinicalNote.objects.filter(public_id=public_id).select_related("patient").first()
    if note is None:
        raise Http404("No such note")
    patient_for_user(
        request, note.patient.public_id, what="clinical note", write=True, roles=CLINICAL_ROLES
    )
    form = EnteredInErrorForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "To mark it entered in error, give a reason and tick the box to confirm."
        )
    else:
        note_mark_entered_in_error(note=note, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "Note marked as entered in error. It is kept, struck through.")
    return redirect("care:patient", public_id=note.patient.public_id)


@require_POST
@clinical_required
def encourage_view(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = patient_for_user(
        request, public_id, what="encouragement", write=True, roles=CLINICAL_ROLES
    )
    form = EncouragementForm(request.POST)
    if form.is_valid():
        encouragement_send(patient=patient, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, f"Sent to {patient.first_name}.")
    else:
        messages.error(request, "Write a short message (at most 280 characters).")
    return redirect("care:patient", public_id=patient.public_id)


@require_POST
@role_required(Role.CLINICIAN)
def phase_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Move a patient to maintenance after a taper (check-ins at the clinic's cadence), or back."""
    from taperwell.patients.models import PatientStatus
    from taperwell.patients.phase import checkin_every_days, patient_phase_set
    from taperwell.tapering.selectors import current_plan

    patient = patient_for_user(
        request, public_id, what="check-in phase", write=True, roles={Role.CLINICIAN}
    )
    phase = request.POST.get("phase", "")
    if phase == PatientStatus.MAINTENANCE and current_plan(patient) is not None:
        messages.error(request, "Finish or cancel the taper plan before maintenance.")
    elif phase not in (PatientStatus.ACTIVE, PatientStatus.MAINTENANCE):
        messages.error(request, "Choose daily check-ins or maintenance.")
    elif patient_phase_set(patient=patient, phase=phase, by=request.user):
        every = checkin_every_days(patient)
        messages.success(
            request,
            f"{patient.first_name}: a check-in once every {every} days."
            if every > 1
            else f"{patient.first_name}: back to daily check-ins.",
        )
    return redirect("care:patient", public_id=patient.public_id)


__all__ = ["FlagStatus"]
