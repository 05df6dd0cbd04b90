"""The reminder sweep: what is due for each patient, computed from state, sent once.

A reminder is a (person, key) pair, e.g. ("checkin:2026-11-03"). The sweep looks back one day, so
a worker that was down catches up when it comes back; a reminder past its "useful until" time is
recorded as skipped instead of sent (a dose reminder an hour late helps nobody). The Notification
row is inserted before the email goes out, under a unique (user, key) constraint: whichever worker
inserts it sends it, and every other worker gets an IntegrityError and moves on.

Patients are swept in chunks (by clinic, then id): each chunk's state is read in one query per
kind of data (see facts.py) and its existing notices in one more, so a minute with nothing new
costs a fixed number of queries per chunk. Only new reminders cost queries (their claim, and
a look for the person's push devices: taperwell/webpush).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taperwell.checkins.selectors import QUESTIONNAIRE_ORDER
from taperwell.core.clock import clock
from taperwell.notifications.facts import Facts, facts_for, local_days
from taperwell.notifications.models import Kind, Notification, Preference, Status
from taperwell.notifications.schedule import (
    after_quiet_hours,
    at_local,
    slots_from,
    steps_of,
    upcoming_step,
    zone_for,
)
from taperwell.patients.models import Patient
from taperwell.patients.phase import checkin_every_days
from taperwell.webpush.services import notice_push_send

if TYPE_CHECKING:
    from taperwell.meetings.models import Rsvp
    from taperwell.messaging.models import Message

log = logging.getLogger(__name__)

CHUNK_SIZE = 500
DOSE_USEFUL_FOR = dt.timedelta(hours=1)
SESSION_REMIND_BEFORE = dt.timedelta(hours=3)
MESSAGE_USEFUL_FOR = dt.timedelta(days=3)
# How a reminder names each questionnaire, in plain words.
QUESTIONNAIRE_NAMES = {
    "peg": gettext_lazy("the pain questions"),
    "sows": gettext_lazy("the withdrawal questions"),
    "phq9": gettext_lazy("the mood questions"),
    "gad7": gettext_lazy("the worry questions"),
}
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


def _every(days: int) -> str:
    weeks = {
        7: _("every week"),
        14: _("every two weeks"),
        21: _("every three weeks"),
        28: _("every four weeks"),
    }
    if days == 1:
        return _("every day")
    return weeks.get(days) or _("every %(days)s days") % {"days": days}


def _questionnaire_due(
    facts: Facts, *, enrolled: dt.date | None, today: dt.date
) -> tuple[dt.date, int, str] | None:
    """The next questionnaire day on the clinic's schedule: (day, its interval, what to say).

    Each questionnaire is due its interval after it was last answered (or after enrolment). One
    that is overdue comes round again once an interval, so a missed reminder is followed by
    another at the clinic's pace, never a daily nag.
    """
    tapering = facts.plan is not None
    by_day: dict[dt.date, list[tuple[str, int]]] = {}
    for instrument, (every, only_while_tapering) in facts.questionnaire_schedule.items():
        if only_while_tapering and not tapering:
            continue
        base = facts.last_questionnaires.get(instrument) or enrolled
        if base is None:
            continue
        due = base + dt.timedelta(days=every)
        if due < today:
            due += dt.timedelta(days=(today - due).days // every * every)
        by_day.setdefault(due, []).append((instrument, every))
    if not by_day:
        return None
    day = min(by_day)
    order = {name: n for n, name in enumerate(QUESTIONNAIRE_ORDER)}
    due_then = sorted(by_day[day], key=lambda pair: order.get(pair[0], len(order)))
    words = f" {_('and')} ".join(
        f"{QUESTIONNAIRE_NAMES.get(instrument, _('the questions'))} {_every(every)}"
        for instrument, every in due_then
    )
    return day, min(every for _, every in due_then), words


def reminders_due(
    patient: Patient, pref: Preference, now: dt.datetime, facts: Facts | None = None
) -> list[Due]:
    """Every reminder whose time has come (even long ago) in the last day and a bit.

    `facts` are the patient's state as the sweep loaded it for a chunk; read here when not given.
    The words are in the patient's language: a notice is written once and read later.
    """
    from taperwell.core.language import language_for_patient

    with translation.override(language_for_patient(patient)):
        return _reminders_due(patient, pref, now, facts)


def _reminders_due(
    patient: Patient, pref: Preference, now: dt.datetime, facts: Facts | None
) -> list[Due]:
    if facts is None:
        facts = facts_for([patient], now=now, prefs={patient.pk: pref})[patient.pk]
    zone = zone_for(patient, pref)
    yesterday, today = local_days(patient, pref, now)
    today_url = reverse("today:today")
    found: list[Due] = []
    every = checkin_every_days(patient)
    for day in (yesterday, today):
        at = at_local(day, pref.checkin_time, zone)
        # In maintenance a check-in is asked for only once the last one is `every` days old.
        due = (
            every == 1
            or facts.last_checkin is None
            or day >= facts.last_checkin + dt.timedelta(days=every)
        )
        if due and day not in facts.checkin_days:
            found.append(
                Due(
                    Kind.CHECKIN,
                    f"checkin:{day}",
                    at,
                    _end_of(day, zone),
                    _("Time for your check-in"),
                    _("Two minutes: how is today going?"),
                    today_url,
                )
            )
        found.append(
            Due(
                Kind.PRACTICE,
                f"practice:{day}",
                at_local(day, pref.practice_time, zone),
                _end_of(day, zone),
                _("A few minutes of practice"),
                _("A short skill can help today feel steadier."),
                reverse("skills:index"),
            )
        )
        for slot in slots_from(steps_of(facts.plan, patient, day), pref):
            at = at_local(day, slot.at, zone)
            found.append(
                Due(
                    Kind.DOSE,
                    f"dose:{day}:{slot.at:%H:%M}",
                    at,
                    at + DOSE_USEFUL_FOR,
                    slot.label,
                    _("%(dose)s at %(time)s, as your plan says.")
                    % {"dose": slot.label, "time": clock(slot.at)},
                    today_url,
                )
            )
    step = upcoming_step(facts.plan, patient, today)
    if step:
        start = step.start
        remind_on = start - dt.timedelta(days=2)
        found.append(
            Due(
                Kind.TAPER_STEP,
                f"step:{start}",
                at_local(remind_on, pref.checkin_time, zone),
                at_local(start, dt.time(0), zone),
                _("Your next step is in two days"),
                (
                    _("On %(day)s your next step starts: %(step)s")
                    % {"day": date_format(start, _("l, F j")), "step": step.text}
                )[:400],
                reverse("checkins:medicines"),
            )
        )
    enrolled = patient.enrolled_at.astimezone(zone).date() if patient.enrolled_at else None
    questions = _questionnaire_due(facts, enrolled=enrolled, today=today)
    if questions is not None:
        due_day, every, names = questions
        found.append(
            Due(
                Kind.QUESTIONNAIRE,
                f"questionnaire:{due_day}",
                at_local(due_day, pref.checkin_time, zone),
                _end_of(due_day + dt.timedelta(days=every - 1), zone),
                _("A few questions are due"),
                (_("Your care team asks %(names)s. It takes a few minutes.") % {"names": names})[
                    :400
                ],
                today_url,
            )
        )
    expiry = facts.naloxone_expiry
    if expiry is not None:
        remind_on = expiry - dt.timedelta(days=30)
        found.append(
            Due(
                Kind.NALOXONE,
                f"naloxone:{expiry}",
                at_local(remind_on, pref.checkin_time, zone),
                at_local(expiry, dt.time(0), zone),
                _("Time to renew your naloxone"),
                _("Ask the clinic or a pharmacy for a new one before it expires."),
                today_url,
            )
        )
    found += _session_reminders(patient, facts.rsvps)
    found += _message_notices(facts.unread)
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


def _session_reminders(patient: Patient, rsvps: list[Rsvp]) -> list[Due]:
    return [
        Due(
            Kind.SESSION,
            f"session:{r.session.public_id}",
            r.session.starts_at - SESSION_REMIND_BEFORE,
            r.session.starts_at,
            _("Your group session is soon"),
            _("%(session)s starts at %(time)s.")
            % {
                "session": r.session.title,
                "time": clock(
                    timezone.localtime(r.session.starts_at, zone_for(patient, Preference()))
                ),
            },
            reverse("meetings:detail", args=[r.session.public_id]),
        )
        for r in rsvps
    ]


def _message_notices(unread: list[Message]) -> list[Due]:
    return [
        # Never the words: only that a message is waiting.
        Due(
            Kind.MESSAGE,
            f"message:{m.public_id}",
            m.created_at,
            m.created_at + MESSAGE_USEFUL_FOR,
            _("You have a new message"),
            _("Your care team wrote to you. Sign in to read it."),
            reverse("messaging:thread", args=[m.thread.public_id]),
        )
        for m in unread
    ]


EMAIL_SUBJECTS = {
    Kind.MESSAGE: gettext_lazy("You have a new message"),
    Kind.EXPORT: gettext_lazy("Your download is ready"),
}


def send_notice_email(patient: Patient, notice: Notification) -> None:
    """Email says nothing about health: only that there is something to see. In the patient's
    language."""
    from taperwell.core.language import language_for_patient

    with translation.override(language_for_patient(patient)):
        subject = str(EMAIL_SUBJECTS.get(notice.kind, _("A reminder from your clinic")))
        link = f"{settings.SITE_URL.rstrip('/')}{reverse('notifications:centre')}"
        body = (
            _("Hello %(name)s,") % {"name": patient.first_name}
            + "\n\n"
            + _("%(subject)s. Sign in to see it:") % {"subject": subject}
            + f"\n{link}\n\n{patient.clinic.name}\n"
            + _("You can change which reminders you get on the same page.")
        )
    try:
        send_mail(subject, body, None, [patient.user.email])
    except OSError:
        log.exception("reminder email failed for notice %s", notice.public_id)
        return
    Notification.objects.filter(pk=notice.pk).update(email_sent_at=timezone.now())


def claim_notice(patient: Patient, item: Due, status: str) -> Notification | None:
    """Write the notice under its unique (user, key): only the first writer gets it back."""
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


def _send_new(
    patient: Patient, pref: Preference, items: list[Due], known: set[str], now: dt.datetime
) -> dict[str, int]:
    counts = {"sent": 0, "skipped": 0}
    for item in items:
        if item.key in known:
            continue
        stale = now >= item.useful_until
        notice = claim_notice(patient, item, Status.SKIPPED if stale else Status.SENT)
        if notice is None:
            continue
        if stale:
            counts["skipped"] += 1
            continue
        counts["sent"] += 1
        if pref.email and patient.user.email:
            send_notice_email(patient, notice)
        notice_push_send(notice=notice)  # each of the person's devices with push turned on
    return counts


def _known_keys(due: dict[int, list[Due]], users: dict[int, int]) -> dict[int, set[str]]:
    """Keys of the notices that exist among those due, by user id: one query for the chunk.

    Keys repeat across patients ("checkin:<day>"), so the key list stays short.
    """
    keys = {item.key for items in due.values() for item in items}
    known: dict[int, set[str]] = {}
    if not keys:
        return known
    rows = Notification.objects.filter(
        user_id__in=[users[pk] for pk, items in due.items() if items], key__in=keys
    ).values_list("user_id", "key")
    for user_id, key in rows:
        known.setdefault(user_id, set()).add(key)
    return known


def _sweep_chunk(patients: Sequence[Patient], now: dt.datetime) -> dict[str, int]:
    """Read the chunk's state at once, then each patient's reminders on their own: one patient's
    bad data is logged and the others go on."""
    total = {"sent": 0, "skipped": 0}
    facts = facts_for(patients, now=now)
    due: dict[int, list[Due]] = {}
    for patient in patients:
        pref = facts[patient.pk].pref
        try:
            due[patient.pk] = [
                i
                for i in reminders_due(patient, pref, now, facts[patient.pk])
                if i.at <= now and pref.wants(i.kind)
            ]
        except Exception:
            log.exception("reminder sweep failed for patient %s", patient.pk)
    known = _known_keys(due, {p.pk: p.user_id for p in patients})
    for patient in patients:
        if not due.get(patient.pk):
            continue
        mine = known.get(patient.user_id, set())
        try:
            counts = _send_new(patient, facts[patient.pk].pref, due[patient.pk], mine, now)
        except Exception:
            log.exception("reminder sweep failed for patient %s", patient.pk)
            continue
        for name, n in counts.items():
            total[name] += n
    return total


def sweep_patient(patient: Patient, now: dt.datetime) -> dict[str, int]:
    return _sweep_chunk([patient], now)


def patients_to_remind(ids: Iterable[int] | None = None):
    rows = Patient.objects.taking_part().filter(user__isnull=False).select_related("clinic", "user")
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows


def patient_chunks(
    ids: Iterable[int] | None = None, size: int = CHUNK_SIZE
) -> Iterator[list[Patient]]:
    """`patients_to_remind` in chunks of `size`, by clinic then id (one query per chunk)."""
    rows = patients_to_remind(ids).order_by("clinic_id", "pk")
    after: Patient | None = None
    while True:
        page = rows
        if after is not None:
            page = page.filter(
                Q(clinic_id__gt=after.clinic_id) | Q(clinic_id=after.clinic_id, pk__gt=after.pk)
            )
        chunk = list(page[:size])
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        after = chunk[-1]


def send_due_reminders_now(
    *,
    now: dt.datetime | None = None,
    patient_ids: Iterable[int] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> dict[str, int]:
    now = now or timezone.now()
    if patient_ids is not None:
        patient_ids = list(patient_ids)  # read once: it may be a generator
    total = {"sent": 0, "skipped": 0}
    for chunk in patient_chunks(patient_ids, chunk_size):
        try:
            counts = _sweep_chunk(chunk, now)
        except Exception:
            if len(chunk) == 1:
                log.exception("reminder sweep failed for patient %s", chunk[0].pk)
                continue
            # Something in one patient's data broke the chunk's reads: sweep them one by one.
            log.exception("reminder sweep failed for a chunk; sweeping it one patient at a time")
            counts = _sweep_one_by_one(chunk, now)
        for name, n in counts.items():
            total[name] += n
    return total


def _sweep_one_by_one(patients: Sequence[Patient], now: dt.datetime) -> dict[str, int]:
    total = {"sent": 0, "skipped": 0}
    for patient in patients:
        try:
            counts = sweep_patient(patient, now)
        except Exception:  # one patient's bad data must not stop everyone else's reminders
            log.exception("reminder sweep failed for patient %s", patient.pk)
            continue
        for name, n in counts.items():
            total[name] += n
    return total
