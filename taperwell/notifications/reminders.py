"""The reminder sweep: what is due for each patient, computed from state, sent once.

A reminder is a (person, key) pair, e.g. ("checkin:2026-11-03"). The sweep looks back one day, so
a worker that was down catches up when it comes back; a reminder past its "useful until" time is
recorded as skipped instead of sent (a dose reminder an hour late helps nobody). The Notification
row is inserted before the email goes out, under a unique (user, key) constraint: whichever worker
inserts it sends it, and every other worker gets an IntegrityError and moves on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from taperwell.notifications.models import Kind, Notification, Preference, Status
from taperwell.notifications.schedule import (
    after_quiet_hours,
    at_local,
    dose_slots,
    next_step,
    preference_for,
    zone_for,
)
from taperwell.patients.models import Patient, PatientStatus

log = logging.getLogger(__name__)

DOSE_USEFUL_FOR = dt.timedelta(hours=1)
SESSION_REMIND_BEFORE = dt.timedelta(hours=3)
MESSAGE_USEFUL_FOR = dt.timedelta(days=3)
QUESTIONNAIRE_EVERY_DAYS = 14
QUIET_EXEMPT = {Kind.DOSE}  # a dose time is the patient's own choice, so it is kept


@dataclass(frozen=True)
class Due:
    kind: str
    key: str
    at: dt.datetime
    useful_until: dt.datetime
    title: str
    body: str
    url: str


def _end_of(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


def _checkin_done(patient: Patient, day: dt.date) -> bool:
    try:
        from taperwell.checkins.models import CheckIn
    except ImportError:
        return False
    return CheckIn.objects.filter(patient=patient, day=day, status="current").exists()


def _last_questionnaire_day(patient: Patient) -> dt.date | None:
    try:
        from taperwell.checkins.models import QuestionnaireResponse
    except ImportError:
        return None
    row = (
        QuestionnaireResponse.objects.filter(patient=patient, status="current")
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    return row


def _naloxone_expiry(patient: Patient) -> dt.date | None:
    """Read only if the medicines app records an expiry date; otherwise nothing is sent."""
    try:
        from taperwell.medications import selectors
    except ImportError:
        return None
    reader = getattr(selectors, "naloxone_expires_on", None)
    return reader(patient) if callable(reader) else None


def reminders_due(patient: Patient, pref: Preference, now: dt.datetime) -> list[Due]:
    """Every reminder whose time has come (even long ago) in the last day and a bit."""
    zone = zone_for(patient, pref)
    today = now.astimezone(zone).date()
    today_url = "/today/"
    found: list[Due] = []
    for day in (today - dt.timedelta(days=1), today):
        at = at_local(day, pref.checkin_time, zone)
        if not _checkin_done(patient, day):
            found.append(
                Due(
                    Kind.CHECKIN,
                    f"checkin:{day}",
                    at,
                    _end_of(day, zone),
                    "Time for your check-in",
                    "Two minutes: how is today going?",
                    today_url,
                )
            )
        found.append(
            Due(
                Kind.PRACTICE,
                f"practice:{day}",
                at_local(day, pref.practice_time, zone),
                _end_of(day, zone),
                "A few minutes of practice",
                "A short skill can help today feel steadier.",
                "/skills/",
            )
        )
        for slot in dose_slots(patient, pref, day):
            at = at_local(day, slot.at, zone)
            found.append(
                Due(
                    Kind.DOSE,
                    f"dose:{day}:{slot.at:%H:%M}",
                    at,
                    at + DOSE_USEFUL_FOR,
                    slot.label,
                    f"{slot.label} at {slot.at:%H:%M}, as your plan says.",
                    today_url,
                )
            )
    step = next_step(patient, today)
    if step:
        start = dt.date.fromisoformat(step["start_date"])
        remind_on = start - dt.timedelta(days=2)
        found.append(
            Due(
                Kind.TAPER_STEP,
                f"step:{start}",
                at_local(remind_on, pref.checkin_time, zone),
                at_local(start, dt.time(0), zone),
                "Your next step is in two days",
                f"On {start:%A %d %B} your next step starts: {step.get('text', '')}"[:400],
                "/my-medicines/",
            )
        )
    last = _last_questionnaire_day(patient)
    base = last or (patient.enrolled_at.astimezone(zone).date() if patient.enrolled_at else None)
    if base is not None:
        due_day = base + dt.timedelta(days=QUESTIONNAIRE_EVERY_DAYS)
        found.append(
            Due(
                Kind.QUESTIONNAIRE,
                f"questionnaire:{due_day}",
                at_local(due_day, pref.checkin_time, zone),
                _end_of(due_day + dt.timedelta(days=6), zone),
                "A few questions are due",
                "Your care team asks a few questions every two weeks.",
                today_url,
            )
        )
    expiry = _naloxone_expiry(patient)
    if expiry is not None:
        remind_on = expiry - dt.timedelta(days=30)
        found.append(
            Due(
                Kind.NALOXONE,
                f"naloxone:{expiry}",
                at_local(remind_on, pref.checkin_time, zone),
                at_local(expiry, dt.time(0), zone),
                "Time to renew your naloxone",
                "Ask the clinic or a pharmacy for a new one before it expires.",
                today_url,
            )
        )
    found += _session_reminders(patient)
    found += _message_notices(patient, pref)
    return [
        item
        if item.kind in QUIET_EXEMPT
        else Due(
            item.kind,
            item.key,
            after_quiet_hours(item.at.astimezone(zone), pref),
            item.useful_until,
            item.title,
            item.body,
            item.url,
        )
        for item in found
    ]


def _session_reminders(patient: Patient) -> list[Due]:
    from taperwell.meetings.models import Rsvp, RsvpStatus

    upcoming = Rsvp.objects.filter(
        patient=patient,
        status=RsvpStatus.GOING,
        session__cancelled_at__isnull=True,
        session__starts_at__gt=timezone.now() - dt.timedelta(days=1),
    ).select_related("session")
    return [
        Due(
            Kind.SESSION,
            f"session:{r.session.public_id}",
            r.session.starts_at - SESSION_REMIND_BEFORE,
            r.session.starts_at,
            "Your group session is soon",
            f"{r.session.title} starts at "
            f"{timezone.localtime(r.session.starts_at, zone_for(patient, Preference())):%H:%M}.",
            reverse("meetings:detail", args=[r.session.public_id]),
        )
        for r in upcoming
    ]


def _message_notices(patient: Patient, pref: Preference) -> list[Due]:
    from taperwell.messaging.models import Message, MessageRead

    since = timezone.now() - MESSAGE_USEFUL_FOR
    read = MessageRead.objects.filter(reader=patient.user).values_list("message_id", flat=True)
    unread = (
        Message.objects.filter(
            thread__patient=patient,
            from_patient=False,
            created_at__gte=since,
            retracted_at__isnull=True,
        )
        .exclude(pk__in=read)
        .select_related("thread")
    )
    return [
        # Never the words: only that a message is waiting.
        Due(
            Kind.MESSAGE,
            f"message:{m.public_id}",
            m.created_at,
            m.created_at + MESSAGE_USEFUL_FOR,
            "You have a new message",
            "Your care team wrote to you. Sign in to read it.",
            reverse("messaging:thread", args=[m.thread.public_id]),
        )
        for m in unread
    ]


EMAIL_SUBJECTS = {Kind.MESSAGE: "You have a new message"}


def _send_email(patient: Patient, notice: Notification) -> None:
    """Email says nothing about health: only that there is something to see."""
    subject = EMAIL_SUBJECTS.get(notice.kind, "A reminder from your clinic")
    link = f"{settings.SITE_URL.rstrip('/')}{reverse('notifications:centre')}"
    body = (
        f"Hello {patient.first_name},\n\n"
        f"{subject}. Sign in to see it:\n{link}\n\n"
        f"{patient.clinic.name}\n"
        "You can change which reminders you get on the same page."
    )
    try:
        send_mail(subject, body, None, [patient.user.email])
    except OSError:
        log.exception("reminder email failed for notice %s", notice.public_id)
        return
    Notification.objects.filter(pk=notice.pk).update(email_sent_at=timezone.now())


def _claim(patient: Patient, item: Due, status: str) -> Notification | None:
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=patient.user,
                kind=item.kind,
                key=item.key,
                status=status,
                due_at=item.at,
                title=item.title,
                body=item.body,
                url=item.url,
            )
    except IntegrityError:
        return None  # another worker claimed it first


def sweep_patient(patient: Patient, now: dt.datetime) -> dict[str, int]:
    counts = {"sent": 0, "skipped": 0}
    pref = preference_for(patient.user)
    items = [i for i in reminders_due(patient, pref, now) if i.at <= now and pref.wants(i.kind)]
    if not items:
        return counts
    known = set(
        Notification.objects.filter(user=patient.user, key__in=[i.key for i in items]).values_list(
            "key", flat=True
        )
    )
    for item in items:
        if item.key in known:
            continue
        stale = now >= item.useful_until
        notice = _claim(patient, item, Status.SKIPPED if stale else Status.SENT)
        if notice is None:
            continue
        if stale:
            counts["skipped"] += 1
            continue
        counts["sent"] += 1
        if pref.email and patient.user.email:
            _send_email(patient, notice)
    return counts


def patients_to_remind(ids: Iterable[int] | None = None):
    rows = Patient.objects.filter(
        user__isnull=False, status__in=[PatientStatus.ACTIVE, PatientStatus.MAINTENANCE]
    ).select_related("clinic", "user")
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows


def send_due_reminders_now(
    *, now: dt.datetime | None = None, patient_ids: Iterable[int] | None = None
) -> dict[str, int]:
    now = now or timezone.now()
    total = {"sent": 0, "skipped": 0}
    for patient in patients_to_remind(patient_ids):
        try:
            counts = sweep_patient(patient, now)
        except Exception:  # one patient's bad data must not stop everyone else's reminders
            log.exception("reminder sweep failed for patient %s", patient.pk)
            continue
        for name, n in counts.items():
            total[name] += n
    return total
