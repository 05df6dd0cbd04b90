"""The remote-monitoring month: a patient's care time (log, timer, entered in error) and the
clinic's month report with its CSV. It prepares documentation; it never submits a claim."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import (
    clinic_of,
    patient_for_user,
    patients_visible_to,
    role_of,
    role_required,
)
from taperwell.audit.models import AuditAction
from taperwell.audit.services import audit_record
from taperwell.clinics.models import CLINICAL_ROLES, Role
from taperwell.patients.models import TAKING_PART
from taperwell.rtm.csv import csv_text
from taperwell.rtm.forms import CareTimeForm, EnteredInErrorForm
from taperwell.rtm.models import CareTimeEntry
from taperwell.rtm.month import month_bounds, parse_month
from taperwell.rtm.selectors import care_time_of, month_for_patients, rules
from taperwell.rtm.services import (
    LOGGING_ROLES,
    care_time_create,
    care_time_mark_entered_in_error,
)
from taperwell.tapering.services import local_today

REPORT_ROLES = (Role.CLINICIAN, Role.ADMIN)


@require_http_methods(["GET", "POST"])
@role_required(*CLINICAL_ROLES)
def patient_care_time(request: HttpRequest, public_id: str) -> HttpResponse:
    writing = request.method == "POST"
    patient = patient_for_user(
        request, public_id, what="care time", write=writing, roles=LOGGING_ROLES
    )
    today = local_today(patient.clinic)
    form = CareTimeForm(request.POST or None, initial={"on": today, "kind": "management"})
    if writing and form.is_valid():
        try:
            care_time_create(patient=patient, by=request.user, today=today, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, f"{form.cleaned_data['minutes']} minutes logged.")
            back = "care:patient" if request.POST.get("next") == "care" else "rtm:patient"
            return redirect(back, public_id=patient.public_id)
    year, month = parse_month(request.GET.get("month"), today=today)
    first, last = month_bounds(year, month)
    (summary,) = month_for_patients(
        [patient], first=first, last=last, zone=zoneinfo.ZoneInfo(patient.clinic.time_zone)
    )
    return render(
        request,
        "rtm/patient.html",
        {
            "patient": patient,
            "first": first,
            "summary": summary,
            "entries": care_time_of(patient, first=first, last=last),
            "form": form,
            "error_form": EnteredInErrorForm(),
        },
        status=400 if writing else 200,
    )


@require_POST
@role_required(*LOGGING_ROLES)
def care_time_error(request: HttpRequest, public_id: str) -> HttpResponse:
    entry = CareTimeEntry.objects.filter(public_id=public_id).select_related("patient").first()
    if entry is None:
        raise Http404("No such entry")
    patient_for_user(
        request, entry.patient.public_id, what="care time", write=True, roles=LOGGING_ROLES
    )
    if entry.by_id != request.user.pk and role_of(request.user) != Role.CLINICIAN:
        raise PermissionDenied  # a clinician may correct anyone's entry; others their own
    form = EnteredInErrorForm(request.POST)
    if form.is_valid():
        care_time_mark_entered_in_error(
            entry=entry, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Marked as entered in error. It is kept and no longer counted.")
    else:
        messages.error(request, "Give a reason and tick the box to confirm.")
    return redirect("rtm:patient", public_id=entry.patient.public_id)


def _month_rows(request: HttpRequest) -> tuple[list, tuple[int, int], object]:
    clinic = clinic_of(request.user)
    today = local_today(clinic)
    year, month = parse_month(request.GET.get("month"), today=today)
    first, last = month_bounds(year, month)
    patients = list(
        patients_visible_to(request.user).filter(status__in=TAKING_PART).order_by("full_name")
    )
    rows = month_for_patients(
        patients, first=first, last=last, zone=zoneinfo.ZoneInfo(clinic.time_zone)
    )
    for patient in patients:  # the report shows each patient's figures: each read is audited
        audit_record(
            request=request,
            action=AuditAction.VIEW,
            what="remote-monitoring month",
            patient=patient,
            object_id=str(patient.public_id),
        )
    return rows, (year, month), clinic


@require_GET
@role_required(*REPORT_ROLES)
def report(request: HttpRequest) -> HttpResponse:
    rows, (year, month), _clinic = _month_rows(request)
    first, _last = month_bounds(year, month)
    return render(
        request,
        "rtm/report.html",
        {"rows": rows, "first": first, "month": f"{year:04d}-{month:02d}", "rules": rules()},
    )


CSV_HEADER = [
    "patient",
    "month",
    "days_with_data",
    "care_minutes",
    "interactive_calls",
    "message_exchanges",
    "thresholds_reached",
    "cpt_codes_for_reference_only",
]


@require_GET
@role_required(*REPORT_ROLES)
def report_csv(request: HttpRequest) -> HttpResponse:
    rows, (year, month), _clinic = _month_rows(request)
    label = f"{year:04d}-{month:02d}"
    body = csv_text(
        CSV_HEADER,
        (
            [
                row.patient.full_name,
                label,
                row.counts.data_days,
                row.counts.minutes,
                row.counts.calls,
                row.counts.exchanges,
                "; ".join(t.label for t in row.reached),
                "; ".join(f"{t.codes} (verify)" for t in row.reached),
            ]
            for row in rows
        ),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="remote-monitoring-{label}.csv"'
    return response
