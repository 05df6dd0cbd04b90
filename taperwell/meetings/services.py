"""Group sessions: making them, answering, marking who came."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taperwell.clinics.models import Clinic
from taperwell.meetings.models import Attendance, GroupSession, Place, Rsvp, RsvpStatus
from taperwell.patients.models import Patient

if TYPE_CHECKING:
    from taperwell.accounts.models import User


@transaction.atomic
def sessions_create(
    *, clinic: Clinic, led_by: User | None, weeks: int = 1, **fields: Any
) -> list[GroupSession]:
    """One session, or the same one weekly for `weeks` weeks."""
    made = []
    for week in range(max(1, weeks)):
        session = GroupSession(clinic=clinic, led_by=led_by, **fields)
        session.starts_at = fields["starts_at"] + dt.timedelta(weeks=week)
        if session.place == Place.VIDEO and not session.video_url:
            raise ValidationError({"video_url": _("Add the video link for a video session.")})
        session.full_clean()
        session.save()
        made.append(session)
    return made


@transaction.atomic
def rsvp_set(*, session: GroupSession, patient: Patient, going: bool) -> Rsvp:
    # Lock the session row so two last-place answers cannot both get in.
    session = GroupSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_at is not None:
        raise ValidationError(_("This session was canceled."))
    if going:
        taken = (
            Rsvp.objects.filter(session=session, status=RsvpStatus.GOING)
            .exclude(patient=patient)
            .count()
        )
        if taken >= session.capacity:
            raise ValidationError(_("Sorry, this session is full."))
    rsvp, _created = Rsvp.objects.update_or_create(
        session=session,
        patient=patient,
        defaults={"status": RsvpStatus.GOING if going else RsvpStatus.NOT_GOING},
    )
    return rsvp


@transaction.atomic
def attendance_mark(
    *, session: GroupSession, by: User, present: set[int], patients: list[Patient]
) -> int:
    """Who came, once the session has begun. `patients` are those who said they were coming
    (each marked came or not); anyone else of the clinic in `present` is marked as came."""
    if session.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be marked once the session has begun."))
    expected = {patient.pk for patient in patients}
    walk_ins = list(Patient.objects.filter(clinic_id=session.clinic_id, pk__in=present - expected))
    for patient in [*patients, *walk_ins]:
        Attendance.objects.update_or_create(
            session=session,
            patient=patient,
            defaults={"attended": patient.pk in present, "marked_by": by},
        )
    return len(patients) + len(walk_ins)
