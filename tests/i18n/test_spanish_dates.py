"""Dates on a Spanish-speaking patient's pages read day, then month, in lower case ("5 de
diciembre", "5 de dic."), never in English order ("diciembre 5", "Dic 5")."""

from __future__ import annotations

import html
import re

from django.utils import translation

from taperwell.clinics.models import Membership, Role
from taperwell.messaging.services import message_send, thread_create
from taperwell.patients.models import Patient
from tests.i18n.patient_pages import PAGES

_MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    "ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic"
)
# A month followed by a day's number: the English order. ("mar 15 de dic." is Tuesday the
# 15th: a number followed by "de" is a day of the month named after it.)
MONTH_FIRST = re.compile(rf"\b({_MONTHS})\.?[ \xa0]+\d{{1,2}}\b(?![ \xa0]+de\b)", re.IGNORECASE)
# A month's short name written with a capital after "de": Django's short Spanish month.
CAPITAL_MONTH = re.compile(r"\bde (Ene|Feb|Mar|Abr|May|Jun|Jul|Ago|Sept?|Oct|Nov|Dic)\b")


def _text(page: str) -> str:
    """The page's words, without its markup, scripts or styles: each element's text on a line
    of its own, so a day in one cell and a number in the next never read as one date."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "\n", page, flags=re.DOTALL | re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def _dates_in_english_order(text: str) -> list[str]:
    found = [m.group(0) for m in MONTH_FIRST.finditer(text)]
    return found + [m.group(0) for m in CAPITAL_MONTH.finditer(text)]


def test_the_finder_tells_the_spanish_order_from_the_english():
    assert _dates_in_english_order("El registro del diciembre 5 fue un error") == ["diciembre 5"]
    assert _dates_in_english_order("Dic 5, 3:00 PM") == ["Dic 5"]
    assert _dates_in_english_order("A partir del 15 de Dic:") == ["de Dic"]
    assert _dates_in_english_order("sáb 5 de dic. · 5 de diciembre de 2026, 3:00 PM") == []
    # "mar" is also the sea, and a weekday: only a number right after it is a date.
    assert _dates_in_english_order("mar 15 de dic. · Caminar junto al mar") == []


def test_a_spanish_speaking_patient_reads_every_date_day_first(db, demo, client):
    rosa = Patient.objects.select_related("user").get(user__email="rosa@example.org")
    # A conversation with her care team: the inbox and the thread write when each was sent.
    thread = thread_create(
        patient=rosa, sender=rosa.user, subject="Mi dosis", body="¿La tomo con comida?"
    )
    clinician = Membership.objects.filter(clinic=rosa.clinic, role=Role.CLINICIAN).first()
    assert clinician is not None
    message_send(thread=thread, sender=clinician.user, body="Sí, con un poco de comida.")
    client.force_login(rosa.user)
    pages = [*PAGES, f"/messages/{thread.public_id}/"]
    found = {}
    with translation.override("es"):
        for path in pages:
            response = client.get(path, follow=True)
            assert response.status_code == 200, path
            dates = _dates_in_english_order(_text(response.content.decode()))
            if dates:
                found[path] = dates
    assert found == {}, found
