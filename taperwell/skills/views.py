"""The patient's coping skills: the list, a practice, the breathing pacer, the flare plan."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from taperwell.access import own_patient_record
from taperwell.patients.decorators import patient_page
from taperwell.patients.models import Patient
from taperwell.skills import selectors
from taperwell.skills.forms import FlarePlanForm, PracticeLogForm
from taperwell.skills.models import FLARE_PLAN_FIELDS, FlarePlan
from taperwell.skills.practices import (
    AUDIO_TYPES,
    PACER_SLUG,
    Practice,
    get_practice,
    load_practices,
)
from taperwell.skills.services import flare_plan_save, practice_session_log


@require_GET
@patient_page
def index(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="coping skills")
    today = selectors.clinic_today(patient.clinic)
    practices = load_practices(patient.clinic.slug)
    return render(
        request,
        "skills/index.html",
        {
            "practices": [p for p in practices if not p.is_lesson],
            "lessons": [p for p in practices if p.is_lesson],
            "suggestion": selectors.suggestion_for(patient, today=today),
            "summary": selectors.practice_summary(patient, today=today),
            "recent": selectors.recent_sessions(patient),
            "flare_plan": selectors.flare_plan_of(patient),
        },
    )


def _practice_or_404(patient: Patient, slug: str) -> Practice:
    practice = get_practice(slug, patient.clinic.slug)
    if practice is None:
        raise Http404("No such practice")
    return practice


def _show_or_log(request: HttpRequest, patient: Patient, practice: Practice, template: str):
    form = PracticeLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        practice_session_log(patient=patient, practice=practice, **form.cleaned_data)
        messages.success(request, _saved_message(form.cleaned_data))
        return redirect("skills:index")
    context = {"practice": practice, "form": form, "words": _words(), "breath_rates": BREATH_RATES}
    return render(request, template, context)


BREATH_RATES = (4, 5, 6, 7, 8, 10, 12)


def _words() -> dict[str, str]:
    """Text the page scripts show or say, translated here so the scripts hold no words."""
    return {
        "in": _("Breathe in"),
        "out": _("Breathe out"),
        "paused": _("Paused. Breathe as you like."),
        "pause": _("Pause"),
        "resume": _("Carry on"),
        "summary": _("{in} seconds in, {out} seconds out."),
        "left": _("{time} left"),
        "read": _("Read aloud"),
        "stopReading": _("Stop reading"),
        "start": _("Start the timer"),
        "started": _("The timer is running. Take your time."),
        "finished": _("Time's up. Come back gently, whenever you're ready."),
    }


def _saved_message(data: dict) -> str:
    before, after = data.get("pain_before"), data.get("pain_after")
    if before is not None and after is not None and after < before:
        return _("Saved. Your pain went from %(before)s to %(after)s. Well done.") % {
            "before": before,
            "after": after,
        }
    return _("Saved. Every minute of practice counts, whatever it felt like.")


@require_http_methods(["GET", "POST"])
@patient_page
def practice(request: HttpRequest, slug: str) -> HttpResponse:
    patient = own_patient_record(request, what="coping practice", write=request.method == "POST")
    found = _practice_or_404(patient, slug)
    if found.is_pacer:
        return redirect("skills:pacer")
    return _show_or_log(request, patient, found, "skills/practice.html")


@require_http_methods(["GET", "POST"])
@patient_page
def pacer(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="breathing pacer", write=request.method == "POST")
    return _show_or_log(
        request, patient, _practice_or_404(patient, PACER_SLUG), "skills/pacer.html"
    )


@require_GET
@patient_page
def audio(request: HttpRequest, slug: str) -> FileResponse:
    # A recording is clinic content, not the patient's record, so no audit row for each fetch.
    found = _practice_or_404(request.user.patient, slug)
    path = found.audio_path
    if path is None or not path.is_file() or path.resolve().parent != found.folder.resolve():
        raise Http404("No recording")
    extension = path.suffix.lstrip(".").lower()
    return FileResponse(path.open("rb"), content_type=AUDIO_TYPES[extension])


@require_GET
@patient_page
def flare_plan(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="flare plan")
    plan = selectors.flare_plan_of(patient)
    return render(
        request,
        "skills/flare_plan.html",
        {"patient": patient, "plan": plan, "sections": _sections(plan)},
    )


def _sections(plan: FlarePlan | None) -> list[tuple[str, str]]:
    if plan is None:
        return []
    return [
        (FlarePlan._meta.get_field(name).verbose_name, getattr(plan, name))
        for name in FLARE_PLAN_FIELDS
    ]


@require_http_methods(["GET", "POST"])
@patient_page
def flare_plan_edit(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="flare plan", write=request.method == "POST")
    form = FlarePlanForm(request.POST or None, instance=selectors.flare_plan_of(patient))
    if request.method == "POST" and form.is_valid():
        flare_plan_save(patient=patient, **form.cleaned_data)
        messages.success(request, _("Your flare plan is saved."))
        return redirect("skills:flare_plan")
    return render(request, "skills/flare_plan_edit.html", {"form": form})
