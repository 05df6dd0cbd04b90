"""The clinic admin's view of the audit trail, and its CSV export."""

from __future__ import annotations

import zoneinfo

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from taperwell.access import clinic_of, role_required
from taperwell.audit.models import AuditAction, AuditEvent
from taperwell.audit.services import audit_record
from taperwell.clinics.models import Role
from taperwell.core import csv_safety
from taperwell.core.clock import export_time

PAGE_SIZE = 100


def _events_for(request: HttpRequest) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(clinic=clinic_of(request.user)).select_related("patient")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    who = request.GET.get("who", "").strip()
    if who:
        events = events.filter(actor_email__icontains=who)
    return events


@require_GET
@role_required(Role.ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(_events_for(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "actions": AuditAction.choices,
            "action": request.GET.get("action", ""),
            "who": request.GET.get("who", ""),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@role_required(Role.ADMIN)
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    events = _events_for(request)
    audit_record(request=request, action=AuditAction.EXPORT, what="audit log export")
    writer = csv_safety.writer(_Echo())
    # The clinic's time with its offset; read now, as the rows stream after the zone is reset.
    zone = zoneinfo.ZoneInfo(clinic_of(request.user).time_zone)
    header = [
        "at",
        "actor_email",
        "action",
        "what",
        "patient_id",
        "object_id",
        "path",
        "ip_address",
    ]

    def rows():  # type: ignore[no-untyped-def]
        yield writer.writerow(header)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    export_time(event.at, zone),
                    event.actor_email,
                    event.action,
                    event.what,
                    event.patient.public_id if event.patient else "",
                    event.object_id,
                    event.path,
                    event.ip_address or "",
                ]
            )

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="taperwell-audit-{stamp}.csv"'
    return response
