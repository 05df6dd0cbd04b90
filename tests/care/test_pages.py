"""The care team's pages: triage order, flags, notes, medicines and the taper workflow."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from taperwell.care.models import FlagEvent, FlagStatus, Resolution
from taperwell.care.selectors import flags_of
from taperwell.care.services import flag_raise, flag_resolve, note_create
from taperwell.tapering.models import PlanStatus, TaperPlan
from tests.care.builders import oxycodone_er

pytestmark = pytest.mark.django_db


def _flag(patient, rule, severity, day=date(2026, 3, 1)):
    return flag_raise(
        patient=patient,
        rule=rule,
        severity=severity,
        reason=f"{rule} reason",
        action="call",
        day=day,
        source="bump-rules",
    )


def test_the_dashboard_puts_the_urgent_flag_first_until_it_is_acknowledged(
    client, clinician, patient, other_patient
):
    _flag(other_patient, "pain-worse", "moderate")
    urgent = _flag(patient, "self-harm", "urgent", day=date(2026, 3, 2))
    client.force_login(clinician)
    page = client.get(reverse("care:dashboard"), {"scope": "all"}).content.decode()
    assert page.index("Maria Alvarez") < page.index("Other Patient")
    client.post(reverse("care:flag_acknowledge", args=[urgent.public_id]), {"note": "Called her"})
    page = client.get(reverse("care:dashboard"), {"scope": "all"}).content.decode()
    assert page.index("Other Patient") < page.index("Maria Alvarez")


def test_an_urgent_flag_cannot_be_acknowledged_without_a_note(client, clinician, patient):
    urgent = _flag(patient, "self-harm", "urgent")
    client.force_login(clinician)
    client.post(reverse("care:flag_acknowledge", args=[urgent.public_id]), {"note": ""})
    urgent.refresh_from_db()
    assert urgent.status == FlagStatus.OPEN
    client.post(reverse("care:flag_resolve", args=[urgent.public_id]), {"resolution": "called"})
    urgent.refresh_from_db()
    assert urgent.status == FlagStatus.OPEN


def test_resolving_a_flag_records_an_event_with_the_action(client, clinician, patient):
    flag = _flag(patient, "pain-worse", "moderate")
    client.force_login(clinician)
    client.post(
        reverse("care:flag_resolve", args=[flag.public_id]),
        {"resolution": "called", "note": ""},
    )
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
    event = FlagEvent.objects.filter(flag=flag).last()
    assert (event.kind, event.resolution, event.by) == ("resolved", "called", clinician)


def test_htmx_search_returns_only_the_rows(client, clinician, patient, other_patient):
    client.force_login(clinician)
    response = client.post(
        reverse("care:dashboard"), {"q": "maria", "scope": "all"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Maria Alvarez" in body
    assert "Other Patient" not in body


def test_front_desk_never_reads_clinical_notes_whatever_the_clinic_setting(
    client, clinician, front_desk, patient, clinic
):
    note_create(patient=patient, author=clinician, body="Discussed the pause at length.")
    client.force_login(front_desk)
    url = reverse("care:patient", args=[patient.public_id])
    assert client.get(url).status_code == 403
    clinic.staff_can_read_clinical_notes = True
    clinic.save()
    response = client.get(url)
    assert response.status_code == 403
    assert "Discussed the pause" not in response.content.decode()


def test_a_note_marked_in_error_is_kept(client, clinician, patient):
    note = note_create(patient=patient, author=clinician, body="Wrong patient")
    client.force_login(clinician)
    client.post(
        reverse("care:note_error", args=[note.public_id]),
        {"reason": "Written on the wrong patient's record", "confirm": "on"},
    )
    note.refresh_from_db()
    assert note.status == "entered_in_error"
    assert (
        "Wrong patient"
        in client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    )


def test_the_review_shows_interactions_with_severity_action_and_source(client, clinician, patient):
    oxycodone_er(patient, clinician)
    client.force_login(clinician)
    client.post(
        reverse("medications:list", args=[patient.public_id]),
        {
            "drug": "alprazolam",
            "form": "tablet",
            "strength": "0.5",
            "unit": "mg",
            "times_text": "22:00",
        },
    )
    page = client.get(reverse("medications:list", args=[patient.public_id])).content.decode()
    assert "alprazolam" in page
    assert "90 MME a day" in page
    assert "FDA-2016" in page or "CDC-2022" in page
    assert "Offer naloxone" in page


def test_a_bad_medicine_returns_the_form_with_values_kept(client, clinician, patient):
    client.force_login(clinician)
    response = client.post(
        reverse("medications:list", args=[patient.public_id]),
        {"drug": "gabapentin", "strength": "300", "unit": "mg", "times_text": "25:99"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Write times like 08:00" in body
    assert 'value="300"' in body


def _day(patient, after: int = 0) -> str:
    """A day counted from the clinic's today: a draft dated in the past is re-dated on approval."""
    from datetime import timedelta

    from taperwell.tapering.services import local_today

    return (local_today(patient.clinic) + timedelta(days=after)).isoformat()


def test_a_counsellor_can_read_a_draft_but_not_approve_it(client, clinician, counsellor, patient):
    oxycodone_er(patient, clinician)
    client.force_login(clinician)
    response = client.post(
        reverse("tapering:plans", args=[patient.public_id]),
        {"pace": "standard", "start_date": "2026-04-06", "patient_preference": "Slow please"},
    )
    plan = TaperPlan.objects.get()
    assert response.status_code == 302
    client.force_login(counsellor)
    assert client.get(reverse("tapering:plan", args=[plan.public_id])).status_code == 200
    refused = client.post(reverse("tapering:approve", args=[plan.public_id]), {"agreement": "ok"})
    assert refused.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_a_clinician_drafts_approves_pauses_and_resumes(client, clinician, patient):
    oxycodone_er(patient, clinician)
    client.force_login(clinician)
    client.post(
        reverse("tapering:plans", args=[patient.public_id]),
        {"pace": "standard", "start_date": _day(patient)},
    )
    plan = TaperPlan.objects.get()
    client.post(reverse("tapering:approve", args=[plan.public_id]), {"agreement": "10% a month"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    client.post(
        reverse("tapering:revise", args=[plan.public_id]),
        {"kind": "pause", "on": _day(patient, 34), "reason": "Family illness"},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    assert plan.schedule["steps"][-1]["paused"] is True
    client.post(
        reverse("tapering:revise", args=[plan.public_id]),
        {"kind": "resume", "on": _day(patient, 56), "reason": "Ready again"},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert [e.kind for e in plan.events.all()] == ["drafted", "approved", "paused", "resumed"]
    printable = client.get(reverse("tapering:print", args=[plan.public_id]))
    assert "oxycodone" in printable.content.decode()


def test_a_step_back_warns_of_lost_tolerance(client, clinician, patient):
    oxycodone_er(patient, clinician)
    client.force_login(clinician)
    client.post(
        reverse("tapering:plans", args=[patient.public_id]),
        {"pace": "standard", "start_date": _day(patient)},
    )
    plan = TaperPlan.objects.get()
    client.post(reverse("tapering:approve", args=[plan.public_id]), {"agreement": "ok"})
    client.post(
        reverse("tapering:revise", args=[plan.public_id]),
        {
            "kind": "step-back",
            "on": _day(patient, 64),
            "reason": "Withdrawal too hard",
            "to_index": "1",
        },
    )
    event = plan.events.last()
    assert event.kind == "stepped-back"
    assert "tolerance" in event.details["warning"]


def test_an_unresolved_flag_is_listed_before_a_newer_resolved_one(client, clinician, patient):
    older = _flag(patient, "pain-worse", "moderate", day=date(2026, 3, 1))
    newer = _flag(patient, "function-worse", "moderate", day=date(2026, 3, 5))
    flag_resolve(flag=newer, by=clinician, resolution=Resolution.CALLED)

    assert [flag.pk for flag in flags_of(patient)] == [older.pk, newer.pk]
    client.force_login(clinician)
    page = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert page.index("pain-worse reason") < page.index("function-worse reason")


def test_a_plan_is_finished_only_once_its_last_step_has_begun(client, clinician, patient):
    oxycodone_er(patient, clinician)
    client.force_login(clinician)
    client.post(
        reverse("tapering:plans", args=[patient.public_id]),
        {"pace": "standard", "start_date": _day(patient)},
    )
    plan = TaperPlan.objects.get()
    client.post(reverse("tapering:approve", args=[plan.public_id]), {"agreement": "ok"})
    plan.refresh_from_db()
    last_start = plan.schedule["steps"][-1]["start_date"]
    too_early = client.post(
        reverse("tapering:revise", args=[plan.public_id]),
        {"kind": "complete", "on": _day(patient, 27), "reason": "Done"},
    )
    assert too_early.status_code == 400
    assert "last step has not begun" in too_early.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    client.post(
        reverse("tapering:revise", args=[plan.public_id]),
        {"kind": "complete", "on": last_start, "reason": "Reached the end together"},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert plan.events.last().kind == "completed"


def test_the_plan_page_names_a_round_strength_plainly(client, clinician, patient):
    oxycodone_er(patient, clinician, strength=50)
    client.force_login(clinician)
    page = client.get(reverse("tapering:plans", args=[patient.public_id])).content.decode()
    assert "oxycodone ER tablet: 50 mg at 08:00; 50 mg at 20:00" in page
    assert "5E+1" not in page
    assert "5E+1" not in page
