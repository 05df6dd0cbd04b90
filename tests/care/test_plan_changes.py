"""Plan changes that cannot surprise anyone: a new draft starts from the dose of record, a higher
first dose needs a confirmation, a late approval never replays missed steps, drafts can be
discarded, and a flag's suggested action is one click away."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from taperwell.care.models import Flag, FlagStatus, Resolution
from taperwell.care.services import flag_raise
from taperwell.notifications.models import Notification
from taperwell.tapering.models import PlanStatus, TaperEvent, TaperEventKind, TaperPlan
from taperwell.tapering.selectors import current_plan, plan_steps_for_patient
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db


def _mid_taper(patient, clinician, days=60):
    """Oxycodone ER 30 mg twice a day (90 MME), on a 10%-a-month plan begun `days` ago."""
    oxycodone_er(patient, by=clinician)
    today = local_today(patient.clinic)
    plan = plan_draft(
        patient=patient, by=clinician, inputs=ten_percent_inputs(today - timedelta(days=days))
    )
    plan = plan_approve(
        plan=plan, by=clinician, agreement="10% a month.", today=today - timedelta(days=days)
    )
    return plan, today


def _mme_today(plan, today) -> Decimal:
    return Decimal(str(plan_steps_for_patient(plan, today=today)["current"]["mme_per_day"]))


def test_a_new_draft_for_a_patient_mid_taper_starts_from_the_step_in_force(
    client, clinician, patient
):
    old, today = _mid_taper(patient, clinician)
    in_force = _mme_today(old, today)
    assert in_force < 90

    client.force_login(clinician)
    response = client.post(
        reverse("tapering:plans", args=[patient.public_id]),
        {"pace": "standard", "start_date": today.isoformat()},
    )

    assert response.status_code == 302
    draft = TaperPlan.objects.get(patient=patient, status=PlanStatus.DRAFT)
    assert Decimal(str(draft.draft["baseline_mme_per_day"])) == in_force
    assert Decimal(str(draft.draft["steps"][0]["mme_per_day"])) < in_force


def test_the_draft_page_says_the_plan_starts_from_the_step_in_force(client, clinician, patient):
    _mid_taper(patient, clinician)
    client.force_login(clinician)
    page = client.get(reverse("tapering:plans", args=[patient.public_id])).content.decode()
    assert "the approved step in force since" in page


def _old_list_draft(patient, clinician, today):
    """A draft made from the pre-taper medicine list (90 MME, first step 82.5), as before."""
    return plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(today))


def test_approving_a_plan_above_todays_dose_asks_for_a_confirmation_showing_the_increase(
    client, clinician, patient
):
    old, today = _mid_taper(patient, clinician)
    draft = _old_list_draft(patient, clinician, today)
    client.force_login(clinician)

    page = client.get(reverse("tapering:plan", args=[draft.public_id])).content.decode()
    assert f"{_mme_today(old, today)} → 82.5 MME a day (+22%)" in page
    assert "tolerance may already be" in page
    assert "Naloxone: Not known yet." in page

    response = client.post(
        reverse("tapering:approve", args=[draft.public_id]),
        {"agreement": "Back to the old dose.", "shown_start": today.isoformat()},
    )
    assert response.status_code == 400
    assert "Confirm the increase" in response.content.decode()
    draft.refresh_from_db()
    old.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
    assert old.status == PlanStatus.APPROVED


def test_a_confirmed_increase_is_logged_replaces_the_old_plan_and_the_patient_is_told(
    client, clinician, patient
):
    old, today = _mid_taper(patient, clinician)
    draft = _old_list_draft(patient, clinician, today)
    client.force_login(clinician)

    response = client.post(
        reverse("tapering:approve", args=[draft.public_id]),
        {
            "agreement": "Back to the old dose for a while.",
            "shown_start": today.isoformat(),
            "confirm_increase": "on",
        },
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == PlanStatus.CANCELLED
    replaced = old.events.get(kind=TaperEventKind.REPLACED)
    assert replaced.details["replaced_by"] == str(draft.public_id)
    approved = TaperEvent.objects.get(plan=draft, kind=TaperEventKind.APPROVED)
    assert approved.details["replaces"] == [str(old.public_id)]
    assert approved.details["to_mme"] == "82.5"
    assert "tolerance" in approved.details["warning"]
    notice = Notification.objects.get(user=patient.user, key=f"plan-approved:{draft.public_id}")
    assert "higher dose" in notice.title
    assert "naloxone" in notice.body


def test_a_plan_that_lowers_the_dose_is_approved_without_the_increase_box(
    client, clinician, patient
):
    oxycodone_er(patient, by=clinician)
    today = local_today(patient.clinic)
    draft = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(today))
    client.force_login(clinician)
    page = client.get(reverse("tapering:plan", args=[draft.public_id])).content.decode()
    assert "This plan starts above today" not in page
    response = client.post(
        reverse("tapering:approve", args=[draft.public_id]),
        {"agreement": "10% a month.", "shown_start": today.isoformat()},
    )
    assert response.status_code == 302
    assert Notification.objects.filter(user=patient.user, title="Your taper plan is ready").exists()


def test_a_draft_approved_after_its_start_date_starts_today_and_skips_no_step(
    client, clinician, patient
):
    oxycodone_er(patient, by=clinician)
    today = local_today(patient.clinic)
    inputs = ten_percent_inputs(today - timedelta(days=70))
    inputs["policy"].update(percent="25", interval_days=7, pace="faster")
    draft = plan_draft(patient=patient, by=clinician, inputs=inputs)
    drafted_first = draft.draft["steps"][0]["mme_per_day"]
    client.force_login(clinician)

    page = client.get(reverse("tapering:plan", args=[draft.public_id])).content.decode()
    assert "which has passed" in page
    assert f'<td data-label="From" class="num">{today.isoformat()}</td>' in page

    # Approving without having seen the new dates is refused, and the page shows them.
    stale = client.post(
        reverse("tapering:approve", args=[draft.public_id]), {"agreement": "Faster, agreed."}
    )
    assert stale.status_code == 400
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT

    response = client.post(
        reverse("tapering:approve", args=[draft.public_id]),
        {"agreement": "Faster, agreed.", "shown_start": today.isoformat()},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    steps = plan_steps_for_patient(draft, today=today)
    assert steps["current"]["index"] == draft.schedule["steps"][0]["index"]
    assert steps["current"]["mme_per_day"] == drafted_first
    assert draft.schedule["steps"][0]["start_date"] == today.isoformat()
    approved = draft.events.get(kind=TaperEventKind.APPROVED)
    assert approved.details["redated_from"] == (today - timedelta(days=70)).isoformat()


def test_a_draft_can_be_discarded_and_the_decision_is_logged(client, clinician, patient):
    oxycodone_er(patient, by=clinician)
    draft = plan_draft(
        patient=patient, by=clinician, inputs=ten_percent_inputs(local_today(patient.clinic))
    )
    client.force_login(clinician)
    response = client.post(
        reverse("tapering:discard", args=[draft.public_id]), {"reason": "Made by mistake."}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DISCARDED
    assert draft.events.get(kind=TaperEventKind.DISCARDED).reason == "Made by mistake."
    again = client.post(reverse("tapering:approve", args=[draft.public_id]), {"agreement": "x"})
    assert again.status_code == 400


def test_an_approved_plan_cannot_be_discarded(client, clinician, patient):
    plan, _ = _mid_taper(patient, clinician)
    client.force_login(clinician)
    client.post(reverse("tapering:discard", args=[plan.public_id]), {})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_a_front_desk_member_cannot_discard_a_draft(client, clinician, front_desk, patient):
    oxycodone_er(patient, by=clinician)
    draft = plan_draft(
        patient=patient, by=clinician, inputs=ten_percent_inputs(local_today(patient.clinic))
    )
    client.force_login(front_desk)
    response = client.post(reverse("tapering:discard", args=[draft.public_id]), {})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT


def _pause_flag(patient, today) -> Flag:
    return flag_raise(
        patient=patient,
        rule="withdrawal-severe",
        severity="high",
        reason="Withdrawal 8 or more for 3 days after the last step",
        action="pause",
        day=today,
        source="bump-rules",
    )


def test_resolving_a_flag_as_paused_when_the_taper_runs_on_is_refused(client, clinician, patient):
    plan, today = _mid_taper(patient, clinician)
    flag = _pause_flag(patient, today)
    client.force_login(clinician)
    client.post(
        reverse("care:flag_resolve", args=[flag.public_id]),
        {"resolution": Resolution.PAUSED, "note": "Paused."},
    )
    flag.refresh_from_db()
    plan.refresh_from_db()
    assert flag.status != FlagStatus.RESOLVED
    assert plan.status == PlanStatus.APPROVED


def test_the_care_page_does_not_offer_paused_as_a_resolution_while_the_taper_runs(
    client, clinician, patient
):
    _, today = _mid_taper(patient, clinician)
    _pause_flag(patient, today)
    client.force_login(clinician)
    page = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert f'value="{Resolution.PAUSED}"' not in page


def test_a_flags_suggested_pause_is_one_click_away_with_the_form_filled_in(
    client, clinician, patient
):
    plan, today = _mid_taper(patient, clinician)
    flag = _pause_flag(patient, today)
    client.force_login(clinician)
    care = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    link = (
        reverse("tapering:plan", args=[plan.public_id])
        + f"?decision=pause&amp;flag={flag.public_id}"
    )
    assert link in care

    page = client.get(
        reverse("tapering:plan", args=[plan.public_id]),
        {"decision": "pause", "flag": str(flag.public_id)},
    ).content.decode()
    assert '<option value="pause" selected>' in page
    assert "Withdrawal 8 or more for 3 days after the last step" in page
    assert f'value="{flag.public_id}"' in page

    response = client.post(
        reverse("tapering:revise", args=[plan.public_id]),
        {
            "kind": "pause",
            "on": today.isoformat(),
            "reason": "Severe withdrawal: holding this dose.",
            "flag": str(flag.public_id),
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    flag.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    assert flag.status == FlagStatus.RESOLVED
    assert flag.events.get(kind="resolved").resolution == Resolution.PAUSED
    assert current_plan(patient).status == PlanStatus.PAUSED


def test_a_flags_suggested_slow_down_fills_in_a_slower_pace(client, clinician, patient):
    plan, today = _mid_taper(patient, clinician)
    flag = flag_raise(
        patient=patient,
        rule="withdrawal-lasting",
        severity="moderate",
        reason="Withdrawal lasting",
        action="slow",
        day=today,
        source="bump-rules",
    )
    client.force_login(clinician)
    care = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert f"?decision=slow-down&amp;flag={flag.public_id}" in care
    page = client.get(
        reverse("tapering:plan", args=[plan.public_id]),
        {"decision": "slow-down", "flag": str(flag.public_id)},
    ).content.decode()
    assert '<option value="slow-down" selected>' in page
    assert 'name="percent" value="5' in page


def test_a_flag_that_says_call_shows_the_patients_number_as_a_phone_link(
    client, clinician, patient
):
    patient.phone = "(555) 123-4567"
    patient.save()
    flag_raise(
        patient=patient,
        rule="mood-low",
        severity="moderate",
        reason="Mood 3 or less",
        action="call",
        day=local_today(patient.clinic),
        source="bump-rules",
    )
    client.force_login(clinician)
    page = client.get(reverse("care:patient", args=[patient.public_id])).content.decode()
    assert 'href="tel:+15551234567"' in page


def test_after_an_increase_todays_page_tells_the_patient_about_tolerance_and_naloxone(
    client, clinician, patient
):
    _, today = _mid_taper(patient, clinician)
    draft = _old_list_draft(patient, clinician, today)
    plan_approve(
        plan=draft, by=clinician, agreement="Back up for now.", today=today, confirm_increase=True
    )
    client.force_login(patient.user)
    page = client.get(reverse("today:today")).content.decode()
    assert "Your new plan starts at a higher dose" in page
    assert "Your body may be used to less" in page
    # Naloxone is not known to be at home: the patient is told where to get it.
    assert "Ask us or your pharmacy for naloxone" in page
