"""The reminder sweep reads patients a chunk at a time: its cost in queries does not grow with the
number of patients, and it sends what the one-patient-at-a-time sweep sends."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taperwell.checkins.models import CheckIn, QuestionnaireResponse
from taperwell.medications.services import naloxone_plan_save
from taperwell.meetings.models import GroupSession, Rsvp
from taperwell.messaging.models import MessageRead
from taperwell.messaging.services import thread_create
from taperwell.notifications.models import Notification, Preference
from taperwell.notifications.reminders import send_due_reminders_now
from taperwell.tapering.models import TaperPlan
from tests import factories

# One query for the chunk of patients, one per kind of data (the clinics' questionnaire schedules
# among them), one for the notices already sent.
QUERIES_PER_CHUNK = 10


def _local_today(now: dt.datetime, zone: str) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(zone)).date()


def _plan(patient, today: dt.date, **fields) -> TaperPlan:
    morphine = {
        "drug": "morphine",
        "daily_dose": 30,
        "unit": "mg",
        "administrations": {"08:00": [{"strength": 15}], "20:00": [{"strength": 15}]},
    }
    steps = [
        {
            "start_date": str(today - dt.timedelta(days=10)),
            "end_date": str(today),
            "medications": [morphine],
            "text": "Morphine ER 15 mg twice a day",
        },
        {
            "start_date": str(today + dt.timedelta(days=1)),
            "end_date": None,
            "medications": [morphine],
            "text": "Morphine ER 15 mg in the morning only",
        },
    ]
    values = {"status": "approved", "schedule": {"steps": steps}, "approved_at": timezone.now()}
    return TaperPlan.objects.create(patient=patient, **(values | fields))


def _checkin(patient, day: dt.date) -> CheckIn:
    return CheckIn.objects.create(
        patient=patient, day=day, pain=4, sleep=6, mood=6, withdrawal=2, craving=1
    )


def _questionnaire(patient, day: dt.date) -> QuestionnaireResponse:
    return QuestionnaireResponse.objects.create(
        patient=patient, instrument="peg", instrument_version="1", day=day, answers=[], total=0
    )


def _session_soon(clinic, patient) -> GroupSession:
    session = GroupSession.objects.create(
        clinic=clinic,
        title="Mindfulness",
        kind="mindfulness",
        place="in_person",
        starts_at=timezone.now() + dt.timedelta(hours=2),
        capacity=10,
    )
    Rsvp.objects.create(session=session, patient=patient, status="going")
    return session


def _message(patient, sender, now: dt.datetime):
    """A message from the care team, written a minute before the sweep."""
    thread = thread_create(patient=patient, sender=sender, subject="Hello", body="How are you?")
    thread.messages.update(created_at=now - dt.timedelta(minutes=1))
    return thread


def _busy_patient(clinic, clinician, now: dt.datetime):
    """A patient with some of every kind of data the sweep reads."""
    patient = factories.make_patient(clinic)
    Preference.objects.create(
        user=patient.user,
        time_zone="Europe/Lisbon",
        dose_times="07:00",
        quiet_start=dt.time(0),
        quiet_end=dt.time(0),
    )
    today = _local_today(now, "Europe/Lisbon")
    _checkin(patient, today - dt.timedelta(days=1))
    _questionnaire(patient, today - dt.timedelta(days=20))
    naloxone_plan_save(patient=patient, has_naloxone=True, expires_on=today + dt.timedelta(days=9))
    _plan(patient, today)
    _session_soon(clinic, patient)
    _message(patient, clinician, now)
    return patient


def _queries_of_a_quiet_minute(now: dt.datetime, **options) -> int:
    send_due_reminders_now(now=now, **options)  # sends what is due
    with CaptureQueriesContext(connection) as captured:
        counts = send_due_reminders_now(now=now, **options)
    assert counts == {"sent": 0, "skipped": 0}
    return len(captured.captured_queries)


def test_a_quiet_minute_costs_as_many_queries_for_30_patients_as_for_3(
    clinic, clinician, django_assert_max_num_queries
):
    now = timezone.now()
    for _ in range(3):
        _busy_patient(clinic, clinician, now)
    for_three = _queries_of_a_quiet_minute(now)
    for _ in range(27):
        _busy_patient(clinic, clinician, now)
    send_due_reminders_now(now=now)
    with django_assert_max_num_queries(QUERIES_PER_CHUNK):
        assert send_due_reminders_now(now=now) == {"sent": 0, "skipped": 0}
    assert _queries_of_a_quiet_minute(now) == for_three == QUERIES_PER_CHUNK


def test_patients_are_swept_in_chunks_at_a_fixed_cost_per_chunk(clinic, clinician):
    now = timezone.now()
    patients = [_busy_patient(clinic, clinician, now) for _ in range(7)]
    assert _queries_of_a_quiet_minute(now, chunk_size=3) == 3 * QUERIES_PER_CHUNK
    assert _queries_of_a_quiet_minute(now, chunk_size=7) == QUERIES_PER_CHUNK + 1  # the empty end
    for patient in patients:  # every chunk's patients had their reminders
        keys = set(Notification.objects.filter(user=patient.user).values_list("key", flat=True))
        assert any(k.startswith("session:") for k in keys)
        assert any(k.startswith("message:") for k in keys)


@pytest.fixture
def cast(clinic, clinician, other_clinic):
    """Patients in several time zones with different settings, plans and news. Every check below
    is about yesterday or earlier, or about something due an hour ago, so it holds at any hour."""
    now = timezone.now()
    people = {}

    # Far east, practice switched off, checked in today, dose times of her own; her check-in
    # reminder at 00:05 is held by the quiet hours until 08:00.
    ana = factories.make_patient(clinic, full_name="Ana")
    Preference.objects.create(
        user=ana.user,
        time_zone="Pacific/Auckland",
        dose_times="06:00, 18:00",
        switched_off=["practice"],
        checkin_time=dt.time(0, 5),
    )
    _checkin(ana, _local_today(now, "Pacific/Auckland"))
    people["ana"] = ana

    # No settings at all: the clinic's zone and the defaults.
    people["ben"] = factories.make_patient(clinic, full_name="Ben")

    # A plan in force with dose times and a step tomorrow; a message and a group session soon;
    # no quiet hours; no emails wanted.
    cy = factories.make_patient(clinic, full_name="Cy")
    Preference.objects.create(
        user=cy.user,
        time_zone="America/Chicago",
        email=False,
        quiet_start=dt.time(0),
        quiet_end=dt.time(0),
    )
    _plan(cy, _local_today(now, "America/Chicago"))
    _session_soon(clinic, cy)
    _message(cy, clinician, now)
    people["cy"] = cy

    # Another clinic; short quiet hours that hold the check-in but not the dose; naloxone
    # expiring; a questionnaire 20 days ago; a message she has read already.
    dee = factories.make_patient(other_clinic, full_name="Dee")
    Preference.objects.create(
        user=dee.user,
        time_zone="Asia/Kolkata",
        checkin_time=dt.time(22, 10),
        dose_times="22:15",
        quiet_start=dt.time(22),
        quiet_end=dt.time(22, 30),
    )
    today = _local_today(now, "Asia/Kolkata")
    naloxone_plan_save(patient=dee, has_naloxone=True, expires_on=today + dt.timedelta(days=12))
    _questionnaire(dee, today - dt.timedelta(days=20))
    staff = factories.make_staff(other_clinic)
    thread = _message(dee, staff, now)
    MessageRead.objects.create(message=thread.messages.get(), reader=dee.user)
    people["dee"] = dee

    # A plan the sweep cannot read: the patient's own dose times stand in.
    eve = factories.make_patient(clinic, full_name="Eve")
    Preference.objects.create(user=eve.user, time_zone="UTC", dose_times="00:01")
    _plan(eve, now.date(), schedule={"steps": [{"start_date": "not a date"}]})
    people["eve"] = eve

    # A paused plan: doses from the plan, but no word about the next step.
    fay = factories.make_patient(clinic, full_name="Fay")
    Preference.objects.create(user=fay.user, time_zone="Europe/Berlin")
    _plan(fay, _local_today(now, "Europe/Berlin"), status="paused")
    people["fay"] = fay
    return now, people


def _outcome():
    rows = set(
        Notification.objects.values_list(
            "user_id", "kind", "key", "status", "due_at", "title", "body", "url"
        )
    )
    emails = sorted((m.to[0], m.subject, m.body) for m in mail.outbox)
    return rows, emails


def test_a_batched_sweep_sends_what_a_sweep_of_one_patient_at_a_time_sends(cast):
    now, people = cast
    totals = send_due_reminders_now(now=now, chunk_size=4)  # two chunks, across two clinics
    batched = _outcome()
    sent = Notification.objects.filter(status="sent")
    assert totals == {"sent": sent.count(), "skipped": Notification.objects.count() - sent.count()}
    assert len(batched[1]) == sent.exclude(user=people["cy"].user).count()  # Cy wants no email

    Notification.objects.all().delete()
    mail.outbox.clear()
    for patient in people.values():
        send_due_reminders_now(now=now, patient_ids=[patient.pk])
    assert _outcome() == batched


def test_each_patient_of_a_batched_sweep_gets_their_own_reminders(cast):
    now, people = cast
    send_due_reminders_now(now=now)

    def notices(name: str) -> dict[str, Notification]:
        return {n.key: n for n in Notification.objects.filter(user=people[name].user)}

    def local(day: dt.date, hhmm: str, zone: str) -> dt.datetime:
        at = dt.time.fromisoformat(hhmm)
        return dt.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(zone))

    zone = "Pacific/Auckland"
    today = _local_today(now, zone)
    yesterday = today - dt.timedelta(days=1)
    ana = notices("ana")
    assert f"checkin:{today}" not in ana  # done
    assert ana[f"checkin:{yesterday}"].due_at == local(yesterday, "08:00", zone)  # quiet hours
    assert not [k for k in ana if k.startswith("practice:")]  # switched off
    assert ana[f"dose:{yesterday}:18:00"].status == "skipped"  # long past

    zone = people["ben"].clinic.time_zone
    yesterday = _local_today(now, zone) - dt.timedelta(days=1)
    ben = notices("ben")
    assert ben[f"practice:{yesterday}"].due_at == local(yesterday, "18:00", zone)
    assert not [k for k in ben if k.split(":")[0] in {"dose", "step", "session", "message"}]

    zone = "America/Chicago"
    today = _local_today(now, zone)
    yesterday = today - dt.timedelta(days=1)
    cy = notices("cy")
    assert {f"dose:{yesterday}:08:00", f"dose:{yesterday}:20:00"} <= set(cy)  # the plan's times
    assert cy[f"step:{today + dt.timedelta(days=1)}"].status == "sent"
    session = GroupSession.objects.get(rsvps__patient=people["cy"])
    assert cy[f"session:{session.public_id}"].status == "sent"
    assert [n.status for k, n in cy.items() if k.startswith("message:")] == ["sent"]
    assert not [m for m in mail.outbox if m.to == [people["cy"].user.email]]

    zone = "Asia/Kolkata"
    today = _local_today(now, zone)
    yesterday = today - dt.timedelta(days=1)
    dee = notices("dee")
    assert dee[f"checkin:{yesterday}"].due_at == local(yesterday, "22:30", zone)  # held
    assert dee[f"dose:{yesterday}:22:15"].due_at == local(yesterday, "22:15", zone)  # not held
    assert dee[f"naloxone:{today + dt.timedelta(days=12)}"].status == "sent"
    assert dee[f"questionnaire:{today - dt.timedelta(days=6)}"].status == "sent"
    assert not [k for k in dee if k.startswith("message:")]  # already read

    eve = notices("eve")
    assert f"dose:{now.date() - dt.timedelta(days=1)}:00:01" in eve  # her own time, not the plan
    assert not [k for k in eve if k.startswith("step:")]

    yesterday = _local_today(now, "Europe/Berlin") - dt.timedelta(days=1)
    fay = notices("fay")
    assert {f"dose:{yesterday}:08:00", f"dose:{yesterday}:20:00"} <= set(fay)
    assert not [k for k in fay if k.startswith("step:")]  # paused


def test_one_patients_broken_time_zone_does_not_stop_the_others(cast, caplog):
    now, people = cast
    Preference.objects.filter(user=people["ana"].user).update(time_zone="Mars/Olympus_Mons")
    send_due_reminders_now(now=now)
    assert not Notification.objects.filter(user=people["ana"].user).exists()
    for name in ("ben", "cy", "dee", "eve", "fay"):
        assert Notification.objects.filter(user=people[name].user).exists(), name
    assert f"reminder sweep failed for patient {people['ana'].pk}" in caplog.text
