"""What leaves the site for a Spanish-speaking patient is in Spanish: a reminder email, a push,
the calendar feed, reminders in the app, the patient's PDF and the export's README."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from taperwell.notifications.models import Kind, Notification, Preference, Status
from taperwell.notifications.reminders import reminders_due, send_notice_email
from taperwell.reports.patient_export import export_zip
from taperwell.webpush.payload import push_payload

pytestmark = pytest.mark.django_db


def _notice(patient, kind):
    return Notification.objects.create(
        user=patient.user,
        kind=kind,
        key=f"{kind}:test",
        status=Status.SENT,
        due_at=timezone.now(),
        title="x",
    )


def test_a_reminder_email_to_a_spanish_speaking_patient_is_in_spanish(rosa):
    send_notice_email(rosa, _notice(rosa, Kind.MESSAGE))
    email = mail.outbox[-1]
    assert email.subject == "Tiene un mensaje nuevo"
    assert email.body.startswith("Hola, Rosa:")
    assert "Entre para verlo" in email.body
    assert "Sign in" not in email.body


def test_the_same_email_stays_english_for_an_english_speaking_patient(patient):
    send_notice_email(patient, _notice(patient, Kind.MESSAGE))
    assert mail.outbox[-1].subject == "You have a new message"


def test_a_push_to_a_spanish_speaking_patient_is_in_spanish_and_still_says_nothing_of_health(
    rosa,
):
    payload = json.loads(push_payload(_notice(rosa, Kind.CHECKIN)))
    assert payload["title"] == "Es hora de su registro"
    assert payload["body"] == "Dos minutos: ¿cómo va el día?"
    dose = json.loads(push_payload(_notice(rosa, Kind.DOSE)))
    assert dose["title"] == "Un recordatorio de su clínica"


# The address is shown once, whole, in the page (with a copy button and a webcal: link).
FEED_ADDRESS = r'id="feed-address"[^>]*>http://testserver([^<]+)<'


def test_the_calendar_feed_of_a_spanish_speaking_patient_is_in_spanish(client, rosa):
    Preference.objects.create(user=rosa.user, dose_times="08:00, 20:00")
    client.force_login(rosa.user)
    page = client.post("/notices/calendar/", {"action": "replace"}, follow=True)
    url = re.search(FEED_ADDRESS, page.content.decode()).group(1)
    client.logout()  # a calendar app does not sign in, and sends no language
    feed = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    summaries = {str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert {"Registro diario", "Dosis de la mañana", "Dosis de la noche"} <= summaries


def test_reminders_in_the_app_are_written_in_spanish(rosa):
    pref = Preference.objects.create(user=rosa.user, dose_times="20:00")
    due = reminders_due(rosa, pref, timezone.now() + dt.timedelta(hours=1))
    titles = {item.title for item in due}
    assert "Es hora de su registro" in titles
    assert "Unos minutos de práctica" in titles
    assert "Dosis de la noche" in titles


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    out = subprocess.run(  # noqa: S603 - poppler's pdftotext on a file the test wrote
        ["/usr/bin/pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(out.stdout.split())


def test_the_patients_own_pdf_is_in_spanish(client, rosa, tmp_path):
    client.force_login(rosa.user)
    response = client.get(
        reverse("reports:my_summary"), {"sections": ["medicines", "plan", "checkins", "goals"]}
    )
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert "Mi resumen para la cita" in text
    assert "Mis medicinas hoy" in text
    assert "Página 1 de" in text
    assert "¿Necesita hablar ahora? Llame al 988 y oprima el 2" in text
    assert "My visit summary" not in text


def test_the_export_readme_and_its_pdf_are_in_spanish(rosa, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(export_zip(rosa)))
    readme = archive.read("README.txt").decode()
    assert readme.startswith("Sus datos de taperwell.")
    assert "Mi resumen para la cita" in _pdf_text(archive.read("visit-summary.pdf"), tmp_path)


def test_an_invitation_email_is_in_the_language_chosen_on_the_invitation(clinic, front_desk):
    from taperwell.enrolment.services import invitation_create, invitation_email

    new = invitation_create(
        clinic=clinic,
        created_by=front_desk,
        full_name="Lucía Ramos",
        method="email",
        email="lucia@test.example",
        preferred_language="es",
    )
    subject, body = invitation_email(new.invitation)
    assert subject == f"Su invitación de {clinic.name}"
    assert body.startswith("Hola:")
    assert "El enlace funciona hasta el" in body
    assert " de " in body.split("hasta el")[1].split(".")[0]  # "21 de diciembre de 2026"


def test_after_an_increase_a_spanish_speaking_patient_is_told_in_spanish(client, clinician, rosa):
    from taperwell.tapering.services import plan_approve
    from tests.care.test_plan_changes import _mid_taper, _old_list_draft

    _, today = _mid_taper(rosa, clinician)
    draft = _old_list_draft(rosa, clinician, today)
    plan_approve(
        plan=draft, by=clinician, agreement="Back up for now.", today=today, confirm_increase=True
    )
    client.force_login(rosa.user)
    page = client.get(reverse("today:today")).content.decode()
    assert "Su nuevo plan empieza con una dosis más alta" in page
    assert "Pídanos naloxona a nosotros o a su farmacia" in page
    assert 'class="card plan-notice warning"' in page


def test_canceled_agrees_with_what_was_canceled_in_spanish() -> None:
    """A group session (una sesión) is "Cancelada"; the word with no context, which a plan's or
    an event's status uses, is not translated as feminine."""
    from django.utils import translation

    with translation.override("es"):
        assert translation.pgettext("group session", "Canceled") == "Cancelada"
        assert translation.gettext("Canceled") != "Cancelada"
