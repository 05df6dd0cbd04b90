"""The patient's check-in, questionnaires, crisis screen and their medicines page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taperwell.access import own_patient_change, own_patient_record
from taperwell.checkins import care_links, selectors, services
from taperwell.checkins.forms import (
    CheckInForm,
    NaloxonePlanForm,
    PauseRequestForm,
    QuestionnaireForm,
    ReasonsForm,
    checkin_initial,
)
from taperwell.checkins.medicines_html import medicines_html
from taperwell.checkins.models import CheckIn, EntryStatus, Instrument
from taperwell.checkins.plan_timeline import timeline_items
from taperwell.checkins.response import checkin_response
from taperwell.clinical.instruments import InvalidAnswers, get_instrument
from taperwell.clinical.text_risk import screen_text
from taperwell.core.markup import page_csrf_token
from taperwell.core.mistake import MISTAKE_NOT_SAVED, MistakeForm
from taperwell.goals.selectors import active_activities
from taperwell.medications.dose_cards import cards_context
from taperwell.medications.dose_cards_html import cards_html
from taperwell.medications.selectors import dose_of_record, load_dose_rows, load_own_rows
from taperwell.patients.decorators import patient_page
from taperwell.tapering.models import PlanStatus
from taperwell.tapering.selectors import schedule_of
from taperwell.tapering.treatment import words_for_patient

HISTORY_DAYS = 30


@require_http_methods(["GET", "POST"])
@patient_page
def checkin_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # The audit row is written with the entry, in its transaction (one write, not two).
        patient, audit = own_patient_change(request, what="check-in")
    else:
        patient = own_patient_record(request, what="check-in")
    today = selectors.clinic_today(patient.clinic)
    activities = active_activities(patient)
    existing = None
    if request.method == "POST":
        form = CheckInForm(request.POST, activities=activities)
        if not form.is_valid():
            audit()
        else:
            try:
                saved = services.checkin_submit(
                    patient=patient,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    activity=form.chosen_activity(),
                    day=today,
                    with_entry=audit,
                    **form.service_values(),
                )
            except Exception:
                audit()  # nothing was saved, and the audit row went with it: the read still counts
                raise
            if saved.help_needed:
                return _help_now(saved.help_needed)
            note_risk = saved.note_risk or screen_text(saved.entry.note)
            if note_risk.risky:
                messages.warning(
                    request,
                    _(
                        "Thank you. Your check-in is saved, and your care team will read your "
                        "note. If things feel too hard, you can call or text %(number)s any time."
                    )
                    % {"number": patient.clinic.crisis_line_number},
                )
            return redirect("checkins:saved")
        existing = selectors.checkin_on(patient, today)
    else:
        existing = selectors.checkin_on(patient, today)
        initial = checkin_initial(existing) if existing else {}
        form = CheckInForm(initial=initial, activities=activities)
    return render(
        request, "checkins/checkin_form.html", {"form": form, "existing": existing, "today": today}
    )


@require_GET
@patient_page
def checkin_saved(request: HttpRequest) -> HttpResponse:
    """The first screen after saving: a hard day gets help one tap away, any day an honest word."""
    patient = own_patient_record(request, what="check-in")
    checkin = selectors.checkin_on(patient, selectors.clinic_today(patient.clinic))
    if checkin is None:
        return redirect("checkins:new")
    plan = care_links.current_plan(patient)
    pause_request = care_links.open_pause_request(patient)
    can_pause = plan is not None and plan.status != PlanStatus.PAUSED and pause_request is None
    return render(
        request,
        "checkins/checkin_saved.html",
        {
            "checkin": checkin,
            "response": checkin_response(checkin),
            "can_pause": can_pause,
            "pause_request": pause_request,
            "pause_form": PauseRequestForm(),
        },
    )


@require_GET
@patient_page
def history(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="check-in history")
    today = selectors.clinic_today(patient.clinic)
    entries = (
        CheckIn.objects.filter(patient=patient, day__gte=today - timedelta(days=HISTORY_DAYS))
        .select_related("activity_done")
        .order_by("-day", "-id")
    )
    return render(request, "checkins/history.html", {"entries": entries, "today": today})


@require_POST
@patient_page
def entered_in_error(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = own_patient_record(request, what="check-in entered in error", write=True)
    checkin = get_object_or_404(
        CheckIn, public_id=public_id, patient=patient, status=EntryStatus.CURRENT
    )
    form = MistakeForm(request.POST)
    if not form.is_valid():
        messages.error(request, MISTAKE_NOT_SAVED)
        return redirect("checkins:history")
    services.checkin_mark_entered_in_error(
        patient=patient, checkin=checkin, reason=form.cleaned_data["reason"]
    )
    messages.success(
        request, _("Marked as a mistake. It is kept in your record but no longer counted.")
    )
    return redirect("checkins:history")


def _help_now(help_needed: str) -> HttpResponse:
    url = reverse("checkins:crisis")
    if help_needed != services.HelpNeeded.SELF_HARM:
        url += "?" + urlencode({"why": help_needed})
    return redirect(url)


@require_GET
@patient_page
def crisis(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="crisis screen")
    why = request.GET.get("why", "")
    if why not in (services.HelpNeeded.OVERDOSE, services.HelpNeeded.NOT_ANSWERED):
        why = services.HelpNeeded.SELF_HARM
    return render(request, "checkins/crisis.html", {"clinic": patient.clinic, "why": why})


@require_GET
@patient_page
def questionnaires(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="questionnaires")
    today = selectors.clinic_today(patient.clinic)
    due = selectors.questionnaires_due(
        patient, today=today, tapering=care_links.is_tapering(patient)
    )
    rows = [(key, Instrument(key).label, key in due) for key in selectors.QUESTIONNAIRE_ORDER]
    return render(request, "checkins/questionnaires.html", {"rows": rows, "due": due})


@require_http_methods(["GET", "POST"])
@patient_page
def questionnaire(request: HttpRequest, instrument: str) -> HttpResponse:
    if instrument not in Instrument.values:
        raise Http404("No such questionnaire")
    patient = own_patient_record(request, what=f"questionnaire {instrument}", write=True)
    spec = get_instrument(instrument)
    form = QuestionnaireForm(request.POST or None, instrument=spec)
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.questionnaire_submit(
                    patient=patient,
                    instrument=spec.id,
                    answers=form.answers(),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except (InvalidAnswers, ValueError) as error:
                form.add_error(None, str(error))
            else:
                if saved.needs_crisis_help:
                    return redirect("checkins:crisis")
                messages.success(request, _("Thank you. Your answers are saved."))
                return redirect("checkins:questionnaires")
        messages.error(request, _("Some questions still need an answer. They are marked below."))
    return render(
        request,
        "checkins/questionnaire_form.html",
        {
            "form": form,
            "spec": spec,
            "label": Instrument(spec.id).label,
            # Never our own translation of a validated instrument: the English, with a note.
            "language_note": spec.language_note(get_language()),
        },
    )


@require_GET
@patient_page
def medicines(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="my medicines")
    today = selectors.clinic_today(patient.clinic)
    # The plans and medicines once, for the plan, the dose of record, the list and naloxone.
    load_dose_rows(patient)
    # Their risk profile, naloxone plan and reasons for tapering in one query, with when an
    # open pause request was made and their latest treatment decision.
    own = load_own_rows(patient)
    reasons = own["taper_reasons"]
    plan = care_links.current_plan(patient)
    steps = care_links.plan_steps(plan, today=today)
    record = dose_of_record(patient, on=today)
    timeline = selectors.step_timeline(
        schedule_of(plan), today=today, worded=(steps or {}).get("steps")
    )
    doses = cards_context(patient, record=record, steps=steps, day=today, where="medicines")
    page = {
        "patient": patient,
        "record": record,
        "doses": doses,
        # The cards written in Python: the markup of `medications/_dose_cards.html`.
        "doses_html": cards_html(doses, request),
        "medications": care_links.active_medications(patient),
        "plan": plan,
        "steps": steps,
        "timeline": timeline,
        "timeline_items": timeline_items(timeline),
        "reasons": reasons,
        "reasons_form": ReasonsForm(
            initial={"reasons": reasons.reasons if reasons else ""}, tapering=plan is not None
        ),
        "pause_form": PauseRequestForm(),
        # As Today has it: the open request's time is all its card shows.
        "pause_request": (
            {"created_at": own["pause_requested_at"]} if own["pause_requested_at"] else None
        ),
        "treatment": words_for_patient(own["treatment_details"]),
        "naloxone": care_links.naloxone_card(
            patient, tapering=plan is not None, today=today, record=record
        ),
    }
    # The page's own sections written in Python (`checkins/medicines_html.py`).
    return render(
        request,
        "checkins/medicines.html",
        # One CSRF token for every form on the page, the layout's included.
        {**page, "content": medicines_html(page, request), "csrf_token": page_csrf_token(request)},
    )


@require_POST
@patient_page
def pause_request(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="pause request", write=True)
    form = PauseRequestForm(request.POST)
    if form.is_valid():
        care_links.pause_request_create(
            patient=patient, reason=form.cleaned_data["reason"].strip(), by=request.user
        )
        messages.success(
            request,
            _(
                "Your care team has your request to pause. Keep taking your current dose; "
                "nothing lowers until you have talked. They will be in touch soon."
            ),
        )
    else:
        messages.error(request, _("We could not send that. Please try again or call the clinic."))
    return redirect("checkins:medicines")


@require_POST
@patient_page
def reasons(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="reasons for tapering", write=True)
    form = ReasonsForm(request.POST)
    if form.is_valid():
        services.taper_reasons_save(patient=patient, reasons=form.cleaned_data["reasons"])
        messages.success(request, _("Your reasons are saved. They are yours to change any time."))
        return redirect("checkins:medicines")
    messages.error(request, _("Please write a few words before saving."))
    return render(request, "checkins/reasons_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@patient_page
def naloxone(request: HttpRequest) -> HttpResponse:
    from taperwell.medications.selectors import naloxone_plan_of
    from taperwell.medications.services import naloxone_plan_save

    patient = own_patient_record(request, what="naloxone plan", write=request.method == "POST")
    today = selectors.clinic_today(patient.clinic)
    if request.method == "POST":
        form = NaloxonePlanForm(request.POST, today=today)
        if form.is_valid():
            naloxone_plan_save(patient=patient, **form.service_fields())
            messages.success(request, _("Your naloxone plan is saved. Thank you."))
            return redirect("checkins:medicines")
        messages.error(request, _("Please check the answers marked below."))
        return render(request, "checkins/naloxone_form.html", {"form": form}, status=400)
    plan = naloxone_plan_of(patient)
    form = NaloxonePlanForm(initial=NaloxonePlanForm.initial_from(plan), today=today)
    return render(request, "checkins/naloxone_form.html", {"form": form})
