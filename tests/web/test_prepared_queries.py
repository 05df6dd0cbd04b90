"""Prepared reads: the ORM writes the SQL once per process, each request runs it with its own
values. What they read must be what the ORM reads afresh, on SQLite and PostgreSQL alike (the
suite runs on both), and a query that cannot be prepared safely is refused, not guessed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from taperwell.checkins.models import CheckIn, QuestionnaireSchedule
from taperwell.checkins.selectors import clinic_today
from taperwell.core.prepared import Prepared, PreparedQueryError
from taperwell.messaging.selectors import unread_count
from taperwell.notifications.selectors import plan_notice_since
from taperwell.patients.models import Patient
from taperwell.today import selectors as today

pytestmark = pytest.mark.django_db


def test_todays_prepared_facts_read_what_the_orm_reads_for_every_demo_patient(demo):
    now = timezone.now()
    patients = Patient.objects.filter(user__isnull=False).select_related("clinic", "user")
    maria = patients.get(user__email="maria@example.org")
    CheckIn.objects.filter(patient=maria, day=clinic_today(demo)).delete()
    CheckIn.objects.create(
        patient=maria, day=clinic_today(demo), pain=4, sleep=5, mood=6, withdrawal=1, craving=0
    )
    QuestionnaireSchedule.objects.create(clinic=demo, instrument="gad7", every_days=14)
    seen = set()
    for patient in patients:
        day = clinic_today(patient.clinic)
        for asked in (False, True):
            values = {
                "patient": patient.pk,
                "user": patient.user_id,
                "clinic": patient.clinic_id,
                "day": day,
                "week": today.week_start(day),
                "now": now,
                "notices_since": plan_notice_since(now),
            }
            prepared = today._FACTS[asked].first(**values)
            fresh = list(today._facts_query(**values, last_checkin=asked))
            assert [prepared] == fresh, patient
            seen.update(key for key, value in prepared.items() if value not in (None, 0, []))
        assert prepared["unread"] == unread_count(patient.user), patient
    # The demo gives every column a value for somebody, so each was compared with data in it.
    assert seen >= {
        "checkin",
        "unread",
        "goal_id",
        "week",
        "schedule",
        "session",
        "team",
        "last_peg",
    }


def test_a_prepared_read_takes_each_requests_values(patient):
    day = clinic_today(patient.clinic)
    CheckIn.objects.create(
        patient=patient, day=day, pain=4, sleep=5, mood=6, withdrawal=1, craving=0
    )
    CheckIn.objects.create(
        patient=patient,
        day=day - timedelta(days=1),
        pain=7,
        sleep=5,
        mood=6,
        withdrawal=1,
        craving=0,
    )
    pains = Prepared(
        lambda patient, day: CheckIn.objects.filter(patient_id=patient, day=day).values("pain"),
        patient=int,
        day=date,
    )
    assert pains.rows(patient=patient.pk, day=day) == [{"pain": 4}]
    assert pains.rows(patient=patient.pk, day=day - timedelta(days=1)) == [{"pain": 7}]
    assert pains.rows(patient=patient.pk + 1000, day=day) == []
    with pytest.raises(TypeError):
        pains.rows(patient=patient.pk)


def test_converting_a_column_at_a_time_gives_what_the_orm_converts_row_by_row(patient):
    """`Prepared` applies the compiler's own converters a column at a time: for every kind of
    value the result is what Django's `apply_converters` makes of it, row by row (day text,
    which SQLite's converter parses, as well as dates; PostgreSQL's hands dates over ready)."""
    from decimal import Decimal

    from django.db import connection

    from taperwell.checkins.models import QuestionnaireResponse
    from taperwell.core.prepared import _converted

    answers = Prepared(
        lambda patient: QuestionnaireResponse.objects.filter(patient_id=patient).values(
            "day", "instrument", "total"
        ),
        patient=int,
    )
    answers.rows(patient=patient.pk)  # compiled
    compiled = next(iter(answers._compiled.values()))
    raw = [
        ("2026-12-07", "phq9", 7),
        (None, "peg", None),
        (date(2026, 1, 5), "sows", 3.5),
        ("2026-1-5", "phq9", 4.25),  # not ISO, which parse_date reads too
        ("2026-12-08", "peg", 10),
    ]
    expected = [tuple(row) for row in compiled.compiler.apply_converters(raw, compiled.converters)]
    got = _converted(raw, compiled.converters, connection)
    assert repr(got) == repr(expected)
    if connection.vendor == "sqlite":
        assert got[0][0] == date(2026, 12, 7)
        assert got[3][0] == date(2026, 1, 5)
        assert got[3][2] == Decimal("4.25")
        with pytest.raises(ValueError, match="day is out of range"):  # stays an error
            _converted([("2026-02-30", "phq9", 1)], compiled.converters, connection)
    with pytest.raises(PreparedQueryError):
        Prepared(lambda patient: CheckIn.objects.filter(patient_id=patient), patient=int).tuples(
            patient=patient.pk
        )


def test_a_prepared_read_makes_models_with_their_select_related_rows(patient):
    people = Prepared(
        lambda patient: Patient.objects.select_related("clinic", "user").filter(pk=patient),
        patient=int,
    )
    found = people.first(patient=patient.pk)
    assert found == patient
    assert found.clinic.time_zone == patient.clinic.time_zone
    assert found.user.email == patient.user.email
    assert Patient.clinic.is_cached(found)
    assert Patient.user.is_cached(found)


def test_a_clock_read_inside_the_query_is_refused():
    stale = Prepared(
        lambda patient: CheckIn.objects.filter(
            patient_id=patient, submitted_at__gte=timezone.now()
        ).values("pain"),
        patient=int,
    )
    with pytest.raises(PreparedQueryError, match="no slot's value"):
        stale.rows(patient=1)


def test_a_value_worked_out_from_a_slot_is_refused():
    shifted = Prepared(
        lambda day: CheckIn.objects.filter(day=day - timedelta(days=7)).values("pain"), day=date
    )
    with pytest.raises(PreparedQueryError):
        shifted.rows(day=date(2026, 12, 7))


def test_a_query_whose_shape_follows_a_value_is_refused():
    def shaped(patient):
        found = CheckIn.objects.filter(patient_id=patient)
        if patient % 2:
            found = found.filter(craving=0)
        return found.values("pain")

    with pytest.raises(PreparedQueryError, match="shape"):
        Prepared(shaped, patient=int).rows(patient=1)


def test_a_slot_the_query_never_uses_is_refused():
    unused = Prepared(
        lambda patient, since: CheckIn.objects.filter(patient_id=patient).values("pain"),
        patient=int,
        since=datetime,
    )
    with pytest.raises(PreparedQueryError, match="since"):
        unused.rows(patient=1, since=timezone.now())


def test_the_session_is_read_until_it_expires_and_not_after(patient):
    from taperwell.core.session_store import SessionStore

    store = SessionStore()
    store["who"] = patient.pk
    store.create()
    assert SessionStore(store.session_key).load() == {"who": patient.pk}
    store.model.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    assert SessionStore("no-such-session-key").load() == {}


def test_the_signed_in_person_is_read_with_what_every_page_checks(patient, clinician):
    from taperwell.access import OWN_PATIENT_ANNOTATIONS, signed_in_user
    from taperwell.enrolment.services import has_current_consent

    assert "has_consent" in OWN_PATIENT_ANNOTATIONS
    me = signed_in_user(str(patient.user_id))
    assert me == patient.user
    assert me.patient == patient
    assert me.patient.clinic == patient.clinic
    assert me.patient.has_consent == has_current_consent(patient)
    assert me.membership.clinic == patient.clinic
    staff = signed_in_user(clinician.pk)
    assert staff.membership.role == clinician.membership.role
    assert getattr(staff, "patient", None) is None
    assert signed_in_user("not a number") is None
    assert signed_in_user(10**9) is None


def test_a_goals_week_of_steps_is_read_as_the_orm_reads_it(demo):
    from taperwell.goals.models import ActivityDone, Goal
    from taperwell.goals.selectors import _week_activities, week_activities_of

    goals = Goal.objects.filter(activities__isnull=False).distinct()
    assert ActivityDone.objects.exists()
    counted = 0
    for goal in goals:
        for day in (clinic_today(demo), clinic_today(demo) - timedelta(days=3)):
            prepared = week_activities_of(goal.pk, today=day)
            fresh = list(_week_activities(day).filter(goal_id=goal.pk))
            assert [(a.pk, a.done_this_week, a.done_today) for a in prepared] == [
                (a.pk, a.done_this_week, a.done_today) for a in fresh
            ]
            counted += sum(a.done_this_week for a in prepared)
    assert counted > 0  # some steps were done in the weeks compared


def test_todays_facts_give_the_first_goals_week_of_steps_as_the_orm_reads_it(demo):
    from taperwell.goals.models import ActivityDone, Goal, GoalStatus
    from taperwell.goals.selectors import _week_activities

    patients = Patient.objects.filter(goals__status=GoalStatus.ACTIVE).distinct()
    assert ActivityDone.objects.exists()
    counted = 0
    for patient in patients.select_related("user", "clinic"):
        goal = Goal.objects.filter(patient=patient, status=GoalStatus.ACTIVE).first()
        assert goal is not None
        for day in (clinic_today(demo), clinic_today(demo) - timedelta(days=3)):
            facts = today._facts(patient, user=patient.user, day=day, last_checkin=False)
            read = today.week_activities_from(facts["week"])
            fresh = list(_week_activities(day).filter(goal_id=goal.pk))
            assert [
                (a.pk, a.public_id, a.title, a.times_per_week, a.done_this_week, a.done_today)
                for a in read
            ] == [
                (a.pk, a.public_id, a.title, a.times_per_week, a.done_this_week, a.done_today)
                for a in fresh
            ]
            counted += sum(a.done_this_week for a in read)
    assert counted > 0  # some steps were done in the weeks compared


def test_the_dose_rows_are_read_as_the_orm_reads_them(demo):
    from django.forms.models import model_to_dict

    from taperwell.medications.models import MedicationStatus, PatientMedication
    from taperwell.medications.selectors import _plans_queryset_all, load_dose_rows
    from taperwell.tapering.models import PlanStatus, TaperEvent, TaperEventKind, TaperPlan

    # A completed plan, so its completion annotations are compared with a value in them.
    done = TaperPlan.objects.filter(status=PlanStatus.APPROVED).first()

    TaperEvent.objects.create(plan=done, kind=TaperEventKind.COMPLETED, details={"why": "x"})
    TaperPlan.objects.filter(pk=done.pk).update(status=PlanStatus.COMPLETED)
    compared = 0
    for patient in Patient.objects.all():
        load_dose_rows(patient)
        plans = vars(patient)["dose_plans"]
        fresh = list(_plans_queryset_all().filter(patient=patient).defer("draft"))
        assert [
            (p.pk, p.status, p.schedule, p.inputs, p.completed, p.completed_at) for p in plans
        ] == [(p.pk, p.status, p.schedule, p.inputs, p.completed, p.completed_at) for p in fresh]
        assert all("draft" in p.get_deferred_fields() for p in plans)
        medicines = vars(patient)["dose_medicines"]
        fresh_medicines = PatientMedication.objects.filter(patient=patient).exclude(
            status=MedicationStatus.ENTERED_IN_ERROR
        )
        assert [model_to_dict(m) for m in medicines] == [model_to_dict(m) for m in fresh_medicines]
        compared += len(plans) + len(medicines)
        assert any(p.completed for p in plans) or patient != done.patient
    assert compared > 10


def test_the_days_dose_marks_are_read_as_the_orm_reads_them(demo):
    from taperwell.medications.dose_cards import day_log
    from taperwell.medications.models import DoseLog

    marked = DoseLog.objects.values_list("patient_id", "day").distinct()
    assert marked
    for patient_id, day in marked:
        patient = Patient.objects.get(pk=patient_id)
        fresh = list(DoseLog.objects.filter(patient=patient, day=day).order_by("taken_at", "pk"))
        prepared = day_log(patient, day)
        assert [(m.pk, m.time, m.taken_at, m.undone_at) for m in prepared] == [
            (m.pk, m.time, m.taken_at, m.undone_at) for m in fresh
        ]


def test_an_audit_row_is_written_whole_by_the_prepared_insert(rf, patient):
    from taperwell.audit.models import AuditAction, AuditEvent
    from taperwell.audit.services import audit_record

    request = rf.get("/today/?x=1", HTTP_USER_AGENT="Phone", REMOTE_ADDR="203.0.113.9")
    request.user = patient.user
    before = timezone.now()
    event = audit_record(request=request, action=AuditAction.VIEW, what="today", patient=patient)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert event.pk is not None
    assert not event._state.adding
    assert (stored.actor, stored.actor_email, stored.clinic, stored.patient) == (
        patient.user,
        patient.user.email,
        patient.clinic,
        patient,
    )
    assert (stored.action, stored.what, stored.path, stored.user_agent) == (
        "view",
        "today",
        "/today/?x=1",
        "Phone",
    )
    assert stored.ip_address == "203.0.113.9"
    assert before <= stored.at <= timezone.now()
    assert stored.at == event.at
    second = audit_record(request=request, action=AuditAction.VIEW, what="today")
    assert second.pk > event.pk


def test_a_prepared_insert_is_refused_for_a_model_with_save_signals(patient):
    from allauth.mfa.models import Authenticator

    from taperwell.core.prepared import PreparedInsert

    with pytest.raises(PreparedQueryError, match="signals"):
        PreparedInsert(Authenticator).save(Authenticator(user=patient.user, type="totp", data={}))


def test_a_stored_row_is_written_whole_by_the_prepared_update_as_save_writes_it(
    patient, other_patient
):
    import uuid

    from taperwell.core.prepared import PreparedUpdate

    day = clinic_today(patient.clinic)
    scales = {"pain": 4, "sleep": 5, "mood": 6, "withdrawal": 1, "craving": 2}
    mine = CheckIn.objects.create(patient=patient, day=day, **scales, self_harm_thoughts=False)
    theirs = CheckIn.objects.create(patient=other_patient, day=day, **scales)
    by_orm = CheckIn.objects.get(pk=mine.pk)
    changes = {
        "pain": 8,
        "withdrawal_signs": ["sweats", "yawning"],
        "self_harm_thoughts": None,  # a value back to NULL
        "overdose": True,
        "note": "A long day",
        "idempotency_key": uuid.uuid4(),
    }
    for name, value in changes.items():
        setattr(mine, name, value)
        setattr(by_orm, name, value)
    before = mine.updated_at

    PreparedUpdate(CheckIn).save(mine)
    written = {f.attname: getattr(mine, f.attname) for f in CheckIn._meta.concrete_fields}
    stored = CheckIn.objects.get(pk=mine.pk)
    assert mine.updated_at > before  # auto_now set, as save() sets it
    assert {f.attname: getattr(stored, f.attname) for f in CheckIn._meta.concrete_fields} == written

    by_orm.save()
    again = CheckIn.objects.get(pk=mine.pk)
    orm_columns = {f.attname: getattr(again, f.attname) for f in CheckIn._meta.concrete_fields}
    assert {**orm_columns, "updated_at": None} == {**written, "updated_at": None}
    assert CheckIn.objects.get(pk=theirs.pk).pain == 4  # one row, by its key


def test_a_prepared_update_of_a_row_that_is_gone_is_an_error_not_an_insert(patient):
    from django.db import DatabaseError

    from taperwell.core.prepared import PreparedUpdate

    entry = CheckIn.objects.create(
        patient=patient,
        day=clinic_today(patient.clinic),
        pain=1,
        sleep=1,
        mood=1,
        withdrawal=1,
        craving=1,
    )
    CheckIn.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="not there"):
        PreparedUpdate(CheckIn).save(entry)
    assert not CheckIn.objects.filter(patient=patient).exists()
    with pytest.raises(PreparedQueryError, match="stored row"):
        PreparedUpdate(CheckIn).save(CheckIn(patient=patient))


def test_a_prepared_update_is_refused_for_a_model_with_save_signals(patient):
    from allauth.mfa.models import Authenticator

    from taperwell.core.prepared import PreparedUpdate

    stored = Authenticator.objects.create(user=patient.user, type="totp", data={})
    with pytest.raises(PreparedQueryError, match="signals"):
        PreparedUpdate(Authenticator).save(stored)


def _columns(checkin):
    from taperwell.goals.models import Activity

    columns = {f.attname: getattr(checkin, f.attname) for f in CheckIn._meta.concrete_fields}
    activity = checkin.activity_done
    columns["activity_done"] = (
        {f.attname: getattr(activity, f.attname) for f in Activity._meta.concrete_fields}
        if activity is not None
        else None
    )
    return columns


def test_the_prepared_check_in_of_the_day_is_what_the_orm_reads(patient, other_patient):
    import uuid

    from taperwell.checkins.selectors import checkin_on
    from taperwell.goals.models import Activity, Goal

    day = clinic_today(patient.clinic)
    goal = Goal.objects.create(patient=patient, title="Walk to the river", why="To see it")
    step = Activity.objects.create(patient=patient, goal=goal, title="Ten minutes outside")
    scales = {"pain": 4, "sleep": 5, "mood": 6, "withdrawal": 1, "craving": 2}
    CheckIn.objects.create(
        patient=patient,
        day=day,
        **{**scales, "pain": 9},
        status="entered_in_error",
        error_reason="Wrong day",
    )
    CheckIn.objects.create(patient=patient, day=day - timedelta(days=1), **scales)
    CheckIn.objects.create(patient=other_patient, day=day, **scales)
    CheckIn.objects.create(
        patient=patient, day=day - timedelta(days=2), **scales, status="entered_in_error"
    )
    assert checkin_on(patient, day + timedelta(days=1)) is None
    assert checkin_on(patient, day - timedelta(days=2)) is None  # only a mistake that day
    saved = CheckIn.objects.create(
        patient=patient,
        day=day,
        **scales,
        withdrawal_signs=["yawning", "aches"],
        activity_done=step,
        activity_text="Called my sister",
        prn_doses=1,
        self_harm_thoughts=False,
        self_harm_declined=False,
        overdose=False,
        naloxone_used=False,
        not_prescribed_opioids=True,
        note="A slow morning.",
        idempotency_key=uuid.uuid4(),
    )
    fresh = (
        CheckIn.objects.filter(patient=patient, day=day, status="current")
        .select_related("activity_done")
        .get()
    )
    prepared = checkin_on(patient, day)
    assert prepared.pk == saved.pk
    assert CheckIn.activity_done.is_cached(prepared)
    assert _columns(prepared) == _columns(fresh)
    empty = {name for name, value in _columns(prepared).items() if value in (None, "", [])}
    assert empty == {"error_reason"}  # kept for entries marked entered in error
    assert checkin_on(patient, day - timedelta(days=1)).pain == 4
    assert checkin_on(other_patient, day).patient_id == other_patient.pk


def test_the_prepared_active_steps_are_what_the_orm_reads(patient, other_patient):
    from taperwell.goals.models import Activity, Goal
    from taperwell.goals.selectors import active_activities

    def columns(activity):
        fields = Activity._meta.concrete_fields
        goal_fields = Goal._meta.concrete_fields
        return (
            {f.attname: getattr(activity, f.attname) for f in fields},
            {f.attname: getattr(activity.goal, f.attname) for f in goal_fields},
        )

    goal = Goal.objects.create(patient=patient, title="Walk to the river", why="To see it")
    reached = Goal.objects.create(
        patient=patient, title="Garden", why="Fresh air", status="reached"
    )
    theirs = Goal.objects.create(patient=other_patient, title="Swim", why="Joints")
    steps = [
        Activity.objects.create(patient=patient, goal=goal, title="Ten minutes outside"),
        Activity.objects.create(patient=patient, goal=goal, title="Stretch", times_per_week=5),
    ]
    Activity.objects.create(patient=patient, goal=goal, title="Old step", status="retired")
    Activity.objects.create(patient=patient, goal=reached, title="Water the beans")
    Activity.objects.create(patient=other_patient, goal=theirs, title="Pool")
    fresh = list(
        Activity.objects.filter(patient=patient, status="active", goal__status="active")
        .select_related("goal")
        .order_by("created_at", "id")
    )
    prepared = active_activities(patient)
    assert [a.pk for a in prepared] == [a.pk for a in steps] == [a.pk for a in fresh]
    assert all(Activity.goal.is_cached(a) for a in prepared)
    assert [columns(a) for a in prepared] == [columns(a) for a in fresh]
    for activity_columns, goal_columns in map(columns, prepared):
        empty = {k for k, v in {**activity_columns, **goal_columns}.items() if v in (None, "")}
        assert empty == {"error_reason"}  # kept for a goal marked entered in error
    assert [a.title for a in active_activities(other_patient)] == ["Pool"]


def test_the_check_ins_locked_look_finds_a_replay_and_the_days_entry_as_the_orm_does(
    patient, other_patient
):
    import uuid

    from django.db import transaction

    from taperwell.checkins.services import _LOCKED_LOOK, _locked_look_query

    day = clinic_today(patient.clinic)
    scales = {"pain": 4, "sleep": 5, "mood": 6, "withdrawal": 1, "craving": 0}
    earlier = uuid.uuid4()
    CheckIn.objects.create(
        patient=patient, day=day - timedelta(days=2), idempotency_key=earlier, **scales
    )
    today_key = uuid.uuid4()
    CheckIn.objects.create(patient=patient, day=day, idempotency_key=today_key, **scales)
    CheckIn.objects.create(patient=other_patient, day=day, idempotency_key=uuid.uuid4(), **scales)
    cases = [
        (earlier, day),
        (today_key, day),
        (uuid.uuid4(), day),
        (str(earlier), day - timedelta(1)),
    ]
    with transaction.atomic():
        for key, on in cases:
            found = _LOCKED_LOOK.rows(patient=patient.pk, key=key, day=on)
            fresh = list(_locked_look_query(patient=patient.pk, key=uuid.UUID(str(key)), day=on))
            assert [c.pk for c in found] == [c.pk for c in fresh]
            assert all(isinstance(c.idempotency_key, uuid.UUID) for c in found)
        assert len(_LOCKED_LOOK.rows(patient=patient.pk, key=earlier, day=day)) == 2


def test_a_goals_week_of_steps_comes_in_the_order_the_steps_were_made(patient):
    """Django leaves Meta.ordering out of a query that counts, so the order is said outright:
    a step made earlier comes first even when its id is the larger (one moved, say)."""
    from datetime import timedelta as days

    from django.utils import timezone

    from taperwell.goals.models import Activity, Goal
    from taperwell.goals.selectors import goals_with_week, week_activities_of

    goal = Goal.objects.create(patient=patient, title="Play on the floor with my grandson")
    later = Activity.objects.create(patient=patient, goal=goal, title="Sit on the floor")
    earlier = Activity.objects.create(patient=patient, goal=goal, title="Stretch for 5 minutes")
    Activity.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - days(days=2))
    today = clinic_today(patient.clinic)
    assert [a.pk for a in week_activities_of(goal.pk, today=today)] == [earlier.pk, later.pk]
    (shown,) = goals_with_week(patient, today=today)
    assert [a.pk for a in shown.week_activities] == [earlier.pk, later.pk]


def test_a_goals_week_of_steps_is_ordered_by_the_time_read_not_by_its_text():
    from taperwell.goals.selectors import week_activities_from

    def step(pk: int, created_at: str) -> dict:
        return {
            "id": pk,
            "public_id": "7d3c4a52-5b0e-4a8e-9d7c-1f2e3a4b5c6d",
            "title": f"step {pk}",
            "times_per_week": 3,
            "done_this_week": 0,
            "done_today": 0,
            "created_at": created_at,
        }

    # 10:00 at +02:00 is 08:00 UTC, before 09:00 UTC, though its text sorts after it.
    rows = [step(1, "2026-12-01T09:00:00+00:00"), step(2, "2026-12-01T10:00:00+02:00")]
    assert [a.pk for a in week_activities_from(rows)] == [2, 1]
    # Made in the same microsecond: the id decides.
    same = [step(5, "2026-12-01 09:00:00.5"), step(4, "2026-12-01 09:00:00.5")]
    assert [a.pk for a in week_activities_from(same)] == [4, 5]
