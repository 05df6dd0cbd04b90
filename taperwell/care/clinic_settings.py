"""The clinic admin's settings page: the clinic's own settings, its questionnaire cadences
(check-ins) and the reply line (messaging), so it lives above all three, with care."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from taperwell.access import clinic_of, role_required
from taperwell.care import clinic_settings_services as services
from taperwell.care.clinic_settings_forms import ClinicSettingsForm
from taperwell.clinics.models import Role
from taperwell.messaging.selectors import reply_line


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def clinic_settings(request: HttpRequest) -> HttpResponse:
    clinic = clinic_of(request.user)
    assert clinic is not None  # noqa: S101 - role_required guarantees a membership
    form = ClinicSettingsForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.clinic_settings_update(
                clinic=clinic,
                by=request.user,
                values=form.clinic_values(),
                schedule=form.schedule_values(),
                request=request,
            )
        except ValidationError as problem:
            form.add_error(None, problem.messages)
        else:
            if changes:
                flash.success(request, _("Saved. Patients see the changes on their next page."))
            else:
                flash.info(request, _("Nothing changed: these were already the settings."))
            return redirect("care:clinic_settings")
    return render(
        request,
        "care/clinic_settings.html",
        {"form": form, "clinic": clinic, "reply_line": reply_line(clinic)},
    )
