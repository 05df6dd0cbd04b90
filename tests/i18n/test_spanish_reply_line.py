"""The reply-time line above every message box, in a Spanish reader's language."""

from __future__ import annotations

from taperwell.messaging.models import ClinicMessaging
from taperwell.patients.models import Patient


def test_the_clinics_reply_line_is_in_the_readers_language_until_the_clinic_writes_its_own(
    db, demo, client
):
    """The line above every message box starts as ours: a Spanish reader read it in English
    ("We answer within one working day.") beside Spanish emergency words. A line the clinic
    writes itself is shown as written, in any language."""
    rosa = Patient.objects.select_related("user", "clinic").get(user__email="rosa@example.org")
    client.force_login(rosa.user)
    page = client.get("/messages/").content.decode()
    assert "Le respondemos en un día hábil." in page
    assert "We answer within one working day." not in page

    ClinicMessaging.objects.update_or_create(
        clinic=rosa.clinic, defaults={"reply_expectation": "Contestamos el mismo día."}
    )
    page = client.get("/messages/").content.decode()
    assert "Contestamos el mismo día." in page
    assert "Le respondemos" not in page
