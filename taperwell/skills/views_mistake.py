"""Marking a logged practice as a mistake: a reason and a tick to confirm; the entry is kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taperwell.access import own_patient_record
from taperwell.core.mistake import MISTAKE_NOT_SAVED, MistakeForm
from taperwell.patients.decorators import patient_page
from taperwell.skills.models import PracticeSession, SessionStatus
from taperwell.skills.services import practice_session_mark_entered_in_error


@require_POST
@patient_page
def practice_mistake(request: HttpRequest, public_id: str) -> HttpResponse:
    patient = own_patient_record(request, what="practice entered in error", write=True)
    session = get_object_or_404(
        PracticeSession, public_id=public_id, patient=patient, status=SessionStatus.DONE
    )
    form = MistakeForm(request.POST)
    if not form.is_valid():
        messages.error(request, MISTAKE_NOT_SAVED)
    else:
        practice_session_mark_entered_in_error(
            patient=patient, session=session, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Marked as a mistake. It is kept, but it no longer counts."))
    return redirect("skills:index")
