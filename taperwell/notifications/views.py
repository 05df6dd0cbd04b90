"""The notification centre, reminder settings, and the private calendar feed."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from taperwell.access import own_patient_record
from taperwell.audit.models import AuditAction
from taperwell.audit.services import audit_record
from taperwell.notifications import services
from taperwell.notifications.calendar import feed_calendar
from taperwell.notifications.forms import CalendarNamesForm, PreferenceForm
from taperwell.notifications.models import (
    CalendarAlarm,
    CalendarFeed,
    Notification,
    Preference,
    Status,
)
from taperwell.patients.decorators import patient_page

SESSION_NEW_FEED = "calendar_new_token"


@require_GET
@patient_page
def centre(request: HttpRequest) -> HttpResponse:
    notices = list(
        Notification.objects.filter(user=request.user, status=Status.SENT).order_by("-due_at")[:50]
    )
    services.notifications_mark_read(user=request.user)
    return render(request, "notifications/centre.html", {"notices": notices})


@require_http_methods(["GET", "POST"])
@patient_page
def preferences(request: HttpRequest) -> HttpResponse:
    pref, _created = Preference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        flash.success(request, _("Saved. Your reminders follow these settings from now on."))
        return redirect("notifications:centre")
    return render(request, "notifications/preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
@patient_page
def calendar(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="calendar feed", write=request.method == "POST")
    feed = CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).first()
    form = CalendarNamesForm(
        request.POST or None,
        initial={
            "show_drug_names": feed.show_drug_names if feed else False,
            "alarm_minutes": feed.alarm_minutes if feed else CalendarAlarm.TEN_MINUTES,
        },
    )
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        if action == "revoke":
            services.calendar_feed_revoke(patient=patient)
            flash.success(request, _("That calendar address no longer works."))
        elif action == "names" and feed:
            services.calendar_feed_set_names(
                patient=patient,
                show=form.cleaned_data["show_drug_names"],
                alarm_minutes=form.cleaned_data["alarm_minutes"],
            )
            flash.success(request, _("Saved."))
        else:
            alarm = form.cleaned_data["alarm_minutes"]
            token = services.calendar_feed_replace(
                patient=patient,
                show_drug_names=form.cleaned_data["show_drug_names"],
                alarm_minutes=CalendarAlarm.TEN_MINUTES if alarm is None else alarm,
            )
            request.session[SESSION_NEW_FEED] = token
        return redirect("notifications:calendar")
    token = request.session.pop(SESSION_NEW_FEED, None)
    address = webcal = None
    if token:
        address = request.build_absolute_uri(reverse("notifications:feed", args=[token]))
        # webcal: asks the phone's calendar app to subscribe (it fetches over https, or http here).
        webcal = "webcal://" + address.split("://", 1)[1]
    return render(
        request,
        "notifications/calendar.html",
        {"feed": feed, "form": form, "address": address, "webcal": webcal},
    )


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in (calendar apps cannot sign in): the long random token is the key."""
    live = services.live_feed(token)
    if live is None:
        raise Http404("No such calendar")
    audit_record(
        request=request,
        action=AuditAction.VIEW,
        what="calendar feed",
        actor=live.patient.user,
        patient=live.patient,
        object_id=str(live.public_id),
        path="/calendar/(token).ics",  # the token is the key: never written down
    )
    response = HttpResponse(feed_calendar(live), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="taperwell.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
