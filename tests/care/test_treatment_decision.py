"""Issue 18, point 5: when tapering reveals more, a clinician records concern for opioid use
disorder and a referral or transition to medication treatment (CDC-2022 Rec 12) as a decision on
the plan; the patient reads it in respectful words; the care page and the visit view show it;
and the engine still never doses buprenorphine."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from taperwell.clinical.taper import TaperError
from taperwell.clinical.taper_catalogue import medication_from_formulary
from taperwell.notifications.models import Notification
from taperwell.tapering.models import TaperEvent, TaperEventKind
from taperwell.tapering.services import local_today, plan_approve, plan_draft
from taperwell.tapering.treatment import PATIENT_TITLE
from tests.care.builders import oxycodone_er, ten_percent_inputs

pytestmark = pytest.mark.django_db

UNKIND = ("addict", "abuse", "disorder", "oud", "misuse", "junkie")


@pytest.fixture
def approved(patient, clinician):
    oxycodone_er(patient, clinician)
    start = local_today(patient.clinic) + timedelta(days=3)
    plan = plan_draft(patient=patient, by=clinician, inputs=ten_percent_inputs(start))
    plan_approve(plan=plan, by=clinician, agreement="Agreed together")
    plan.refresh_from_db()
    return plan


def _record(client, plan, **fields):
    data = {
        "oud_concern": "on",
        "step": "referred",
        "medicine": "buprenorphine",
        "on": local_today(plan.patient.clinic).isoformat(),
        "reason": "Took extra doses twice this month; craving high. Agreed to see Dr. Lee.",
    } | fields
    return client.post(reverse("tapering:treatment", args=[plan.public_id]), data)


def test_a_clinician_records_concern_and_a_referral_as_a_plan_decision_and_no_dose_changes(
    client, clinician, approved
):
    schedule, status = approved.schedule, approved.status
    client.force_login(clinician)
    assert _record(client, approved).status_code == 302
    event = TaperEvent.objects.get(plan=approved, kind=TaperEventKind.TREATMENT)
    assert event.by == clinician
    assert event.details["oud_concern"] is True
    assert event.details["step"] == "referred"
    assert event.details["medicine"] == "buprenorphine"
    assert event.details["source"] == "CDC-2022"
    approved.refresh_from_db()
    assert approved.schedule == schedule
    assert approved.status == status
    page = client.get(reverse("tapering:plan", args=[approved.public_id])).content.decode()
    assert "Medication treatment discussed" in page
    assert "CDC-2022 Rec 12" in page


def test_the_patient_reads_it_in_respectful_words(client, clinician, approved):
    client.force_login(clinician)
    _record(client, approved)
    notice = Notification.objects.get(user=approved.patient.user, key__startswith="treatment:")
    assert notice.title == PATIENT_TITLE
    assert "buprenorphine" in notice.body
    assert notice.body.endswith(".")  # whole sentences, never cut off
    client.force_login(approved.patient.user)
    page = client.get(reverse("checkins:medicines")).content.decode()
    assert PATIENT_TITLE in page
    assert "Your doses do not change until you and your care team decide together." in page
    visible = re.sub(r"<[^>]+>", " ", page)  # words on the page, not tokens in its markup
    for text in (visible.lower(), notice.title.lower(), notice.body.lower()):
        for word in UNKIND:
            assert not re.search(rf"\b{word}", text), word


def test_the_care_page_and_the_visit_view_show_the_decision(client, clinician, approved):
    client.force_login(clinician)
    _record(client, approved, step="transition", medicine="methadone")
    for name in ("care:patient", "care:visit"):
        page = client.get(reverse(name, args=[approved.patient.public_id])).content.decode()
        assert "Transition to medication treatment planned" in page, name
        assert "(methadone)" in page, name
        assert "concern for opioid use disorder" in page, name


def test_only_a_clinician_records_it_and_only_with_a_reason(
    client, approved, counsellor, front_desk, stranger_clinician, clinician
):
    url = reverse("tapering:treatment", args=[approved.public_id])
    for person, status in ((counsellor, 403), (front_desk, 403), (stranger_clinician, 404)):
        client.force_login(person)
        assert _record(client, approved).status_code == status
    client.force_login(clinician)
    assert client.get(url).status_code == 405
    _record(client, approved, reason="")
    assert not TaperEvent.objects.filter(kind=TaperEventKind.TREATMENT).exists()


def test_a_draft_takes_no_treatment_decision(client, clinician, patient):
    oxycodone_er(patient, clinician)
    draft = plan_draft(
        patient=patient, by=clinician, inputs=ten_percent_inputs(local_today(patient.clinic))
    )
    client.force_login(clinician)
    _record(client, draft)
    assert not TaperEvent.objects.filter(kind=TaperEventKind.TREATMENT).exists()


@pytest.mark.parametrize("form", ["patch", "film", "sublingual-film", "sublingual-tablet"])
def test_the_engine_never_plans_a_buprenorphine_dose(form):
    with pytest.raises(TaperError, match="buprenorphine"):
        medication_from_formulary("buprenorphine", form=form, doses=[("08:00", 1)])


def test_a_plan_with_buprenorphine_in_it_cannot_be_drafted(patient, clinician):
    inputs = ten_percent_inputs(
        date(2027, 1, 4), [{"drug": "buprenorphine", "form": "patch", "strength": "10"}]
    )
    with pytest.raises(ValidationError):
        plan_draft(patient=patient, by=clinician, inputs=inputs)


def test_every_version_of_the_patients_words_is_whole_and_kind():
    from taperwell.tapering.treatment import TreatmentMedicine, TreatmentStep, patient_words

    for step in TreatmentStep.values:
        for medicine in TreatmentMedicine.values:
            words = patient_words(step=step, medicine=medicine)
            assert len(words) <= 400, (step, medicine)  # a notice keeps 400 characters
            sentences = [s for s in words.split(". ") if s]
            assert max(len(s.split()) for s in sentences) <= 16, words  # short sentences
            for word in UNKIND:
                assert word not in words.lower()
