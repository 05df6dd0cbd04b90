"""Jobs of the care workspace: telling the care team about an urgent flag.

The email says only that something urgent is waiting: no name, no health details, because email
is not a safe place for them. The flag is claimed with a conditional UPDATE so two workers never
notify twice; a sweep catches up on any flag whose job was lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from taperwell.care.models import CareNotice, Flag, FlagEvent, FlagEventKind, FlagStatus, Severity
from taperwell.clinics.models import Membership, Role

log = logging.getLogger(__name__)

EMAIL_SUBJECT = "Taperwell: an urgent flag is waiting for you"
EMAIL_BODY = (
    "A patient on your clinic's panel has an urgent flag that needs a look today.\n\n"
    "Sign in to see it: {link}\n\n"
    "For privacy this email holds no names or health details."
)


def recipients_of(flag: Flag) -> list[Membership]:
    """The patient's care team; if nobody is assigned, the clinic's clinicians."""
    team = [
        m.member
        for m in flag.patient.care_team.select_related("member__user")
        if m.member.is_active
    ]
    if team:
        return team
    return list(
        Membership.objects.filter(
            clinic_id=flag.patient.clinic_id, role=Role.CLINICIAN, is_active=True
        ).select_related("user")
    )


def notify_urgent_flag_now(flag_id: int) -> int:
    now = timezone.now()
    claimed = Flag.objects.filter(pk=flag_id, notified_at__isnull=True).update(notified_at=now)
    if not claimed:
        return 0
    flag = Flag.objects.select_related("patient").get(pk=flag_id)
    members = recipients_of(flag)
    with transaction.atomic():
        for member in members:
            CareNotice.objects.get_or_create(user=member.user, flag=flag)
        FlagEvent.objects.create(
            flag=flag, kind=FlagEventKind.NOTIFIED, note=f"{len(members)} people notified"
        )
    link = settings.SITE_URL.rstrip("/") + reverse("care:dashboard")
    emails = [m.user.email for m in members if m.user.email]
    if emails:
        try:
            send_mail(EMAIL_SUBJECT, EMAIL_BODY.format(link=link), None, emails)
        except OSError:
            log.exception("urgent flag email failed for flag %s", flag.public_id)
    return len(members)


@db_task()
def notify_urgent_flag(flag_id: int) -> int:
    return notify_urgent_flag_now(flag_id)


@db_periodic_task(crontab(minute="*/5"))
def sweep_urgent_flags() -> int:
    """Catch up: urgent, still open, never notified (a worker was down when it was raised)."""
    due = Flag.objects.filter(
        severity=Severity.URGENT,
        status=FlagStatus.OPEN,
        notified_at__isnull=True,
        raised_at__lte=timezone.now() - timedelta(minutes=1),
    ).values_list("pk", flat=True)
    return sum(notify_urgent_flag_now(pk) for pk in due)


@db_task()
def evaluate_bumps_later(patient_id: int) -> int:
    """The bump rules for one patient, off the request that saved their check-in."""
    from taperwell.care.services import bumps_evaluate
    from taperwell.patients.models import Patient

    patient = Patient.objects.select_related("clinic").filter(pk=patient_id).first()
    if patient is None:
        return 0
    return len(bumps_evaluate(patient=patient))


@db_periodic_task(crontab(minute="20", hour="*/6"))
def sweep_bump_rules() -> int:
    """Every patient, four times a day: rules such as missed check-ins fire with no new entry."""
    from taperwell.care.services import bumps_evaluate
    from taperwell.patients.models import Patient

    raised = 0
    patients = Patient.objects.taking_part().filter(user__isnull=False).select_related("clinic")
    for patient in patients.iterator(chunk_size=500):
        try:
            raised += len(bumps_evaluate(patient=patient))
        except Exception:
            log.exception("bump rules failed for patient %s", patient.pk)
    return raised
