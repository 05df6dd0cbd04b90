"""Background jobs of enrolment.

Invitation emails are sent from state ("email invitation, usable, not yet sent"), so a worker
that was down sends what is still useful when it comes back, and an expired one is never sent.
Each row is claimed with a conditional UPDATE, so two workers never send one invitation twice.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from taperwell.enrolment.models import Invitation, InvitationMethod

log = logging.getLogger(__name__)


def send_due_invitation_emails_now() -> int:
    from taperwell.enrolment.services import invitation_email

    now = timezone.now()
    due = Invitation.objects.filter(
        method=InvitationMethod.EMAIL,
        email_sent_at__isnull=True,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).select_related("clinic")
    sent = 0
    for invitation in due:
        claimed = Invitation.objects.filter(pk=invitation.pk, email_sent_at__isnull=True).update(
            email_sent_at=now
        )
        if not claimed:
            continue
        subject, body = invitation_email(invitation)
        try:
            send_mail(subject, body, None, [invitation.email])
        except OSError:
            # Release the claim so the next sweep tries again.
            Invitation.objects.filter(pk=invitation.pk).update(email_sent_at=None)
            log.exception("invitation email failed for %s", invitation.public_id)
            continue
        sent += 1
    return sent


@db_task()
def send_due_invitation_emails() -> int:
    return send_due_invitation_emails_now()


@db_periodic_task(crontab(minute="*"))
def sweep_invitation_emails() -> int:
    return send_due_invitation_emails_now()
