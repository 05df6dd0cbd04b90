"""A patient's monitoring page (clinicians and behavioral-health clinicians read; clinicians
record) and marking a record entered in error. Front-desk staff and admins never see results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from taperwell.access import patient_for_user, role_of, role_required
from taperwell.clinics.models import CLINICAL_ROLES
from taperwell.monitoring.forms import EnteredInErrorForm, RecordForm
from taperwell.monitoring.models import Kind, MonitoringRecord
from taperwell.monitoring.selectors import default_policy, monitoring_due, records_of
from taperwell.monitoring.services import (
    RECORDING_ROLES,
    monitoring_record_create,
    monitoring_record_mark_entered_in_error,
)
from taperwell.monitoring.templatetags.monitoring_tags import labelled
from taperwell.tapering.services import local_today


@require_http_methods(["GET", "POST"])
@role_required(*CLINICAL_ROLES)
def patient_monitoring(request: HttpRequest, public_id: str) -> HttpResponse:
    writing = request.method == "POST"
    if writing and role_of(request.user) not in RECORDING_ROLES:
        raise PermissionDenied
    patient = patient_for_user(
        request,
        public_id,
        what="monitoring",
        write=writing,
        roles=RECORDING_ROLES if writing else CLINICAL_ROLES,
    )
    today = local_today(patient.clinic)
    form = RecordForm(request.POST or None, initial={"done_on": today})
    if writing and form.is_valid():
        try:
            record = monitoring_record_create(
                patient=patient, by=request.user, today=today, **form.cleaned_data
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, f"{record.get_kind_display()} recorded.")
            return redirect("monitoring:patient", public_id=patient.public_id)
    records = records_of(patient)
    return render(
        request,
        "monitoring/patient.html",
        {
            "patient": patient,
            "items": [labelled(i) for i in monitoring_due(patient, today=today, records=records)],
            "records": records,
            "form": form,
            "error_form": EnteredInErrorForm(),
            "can_record": role_of(request.user) in RECORDING_ROLES,
            "policy_rows": [
                {"label": Kind(kind).label, **vars(item)}
                for kind, item in default_policy().items.items()
            ],
        },
        status=400 if writing else 200,
    )


@require_POST
@role_required(*RECORDING_ROLES)
def record_entered_in_error(request: HttpRequest, public_id: str) -> HttpResponse:
    record = MonitoringRecord.objects.filter(public_id=public_id).select_related("patient").first()
    if record is None:
        raise Http404("No such record")
    patient_for_user(
        request, record.patient.public_id, what="monitoring", write=True, roles=RECORDING_ROLES
    )
    form = EnteredInErrorForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "To mark it entered in error, give a reason and tick the box to confirm."
        )
    else:
        monitoring_record_mark_entered_in_error(
            record=record, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Marked as entered in error. It is kept, struck through.")
    return redirect("monitoring:patient", public_id=record.patient.public_id)
