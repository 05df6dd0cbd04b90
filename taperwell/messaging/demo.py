"""Demo: one conversation between Maria and her clinician. Safe to run again."""

from __future__ import annotations

from taperwell.clinics.models import Clinic, Role
from taperwell.messaging.models import Thread
from taperwell.messaging.services import message_send, thread_create
from taperwell.patients.models import Patient


def load(clinic: Clinic) -> None:
    patient = Patient.objects.filter(clinic=clinic, user__email="maria@example.org").first()
    clinician = clinic.memberships.filter(role=Role.CLINICIAN).select_related("user").first()
    if patient is None or clinician is None or Thread.objects.filter(patient=patient).exists():
        return
    thread = thread_create(
        patient=patient,
        sender=patient.user,
        subject="Waking up at night",
        body="Since the last step I wake up around 3 most nights. Is that normal?",
    )
    message_send(
        thread=thread,
        sender=clinician.user,
        body="Thank you for telling us. Sleep often gets worse for a week or two after a step. "
        "Let's talk about it on Thursday; the sleep skill may help until then.",
    )
