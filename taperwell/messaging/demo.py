"""Demo: a conversation between Maria and her clinician, and one in Spanish between Rosa and
hers. Safe to run again."""

from __future__ import annotations

from taperwell.clinics.models import Clinic, Role
from taperwell.messaging.models import Thread
from taperwell.messaging.services import message_send, thread_create
from taperwell.patients.models import Patient

CONVERSATIONS = [
    (
        "maria@example.org",
        "Waking up at night",
        "Since the last step I wake up around 3 most nights. Is that normal?",
        "Thank you for telling us. Sleep often gets worse for a week or two after a step. "
        "Let's talk about it on Thursday; the sleep skill may help until then.",
    ),
    (
        "rosa@example.org",
        "Mi medicina y el desayuno",
        "¿Puedo tomar la medicina de la mañana con el desayuno? A veces me cae mal al estómago.",
        "Gracias por preguntar, Rosa. Sí, puede tomarla con el desayuno. Si el estómago le sigue "
        "molestando, díganoslo y lo vemos en su próxima visita.",
    ),
]


def load(clinic: Clinic) -> None:
    clinicians = clinic.memberships.filter(role=Role.CLINICIAN).select_related("user")
    for email, subject, question, answer in CONVERSATIONS:
        patient = Patient.objects.filter(clinic=clinic, user__email=email).first()
        if patient is None or Thread.objects.filter(patient=patient).exists():
            continue
        # The clinician on the patient's own care team answers, else the clinic's first.
        clinician = (
            clinicians.filter(panel__patient=patient).order_by("pk").first()
            or clinicians.order_by("pk").first()
        )
        if clinician is None:
            continue
        thread = thread_create(patient=patient, sender=patient.user, subject=subject, body=question)
        message_send(thread=thread, sender=clinician.user, body=answer)
