"""Crisis help in the patient's language: 988's Spanish line, and the clinic's own words."""

from __future__ import annotations

import html

from django.urls import reverse

from taperwell.care.clinic_settings_services import clinic_settings_update
from taperwell.core.crisis import SPANISH_CRISIS_TEXT, crisis_help
from tests import factories


def _page(client, url: str, headers: dict[str, str] | None = None) -> str:
    return html.unescape(client.get(url, **(headers or {})).content.decode())


def test_a_spanish_reader_is_told_how_to_reach_988_in_spanish(client, patient, reads_spanish):
    client.force_login(patient.user)
    page = _page(client, "/crisis/", reads_spanish)
    assert "Llame al 988 y oprima el 2" in page
    assert "AYUDA" in page
    assert 'href="sms:988?&body=AYUDA"' in page


def test_an_english_reader_sees_the_english_wording_and_a_plain_text_link(client, patient):
    client.force_login(patient.user)
    page = _page(client, "/crisis/")
    assert patient.clinic.crisis_line_text in page
    assert "AYUDA" not in page
    assert 'href="sms:988"' in page


def test_the_clinics_spanish_wording_is_shown_to_a_spanish_reader(client, patient, reads_spanish):
    clinic = patient.clinic
    clinic.crisis_line_text_es = "Nuestra línea de enfermería está abierta de día y de noche."
    clinic.save()
    client.force_login(patient.user)
    page = _page(client, "/crisis/", reads_spanish)
    assert "Nuestra línea de enfermería está abierta de día y de noche." in page
    assert clinic.crisis_line_text not in page


def test_a_clinic_without_spanish_wording_shows_its_english_words_not_988s(
    client, patient, reads_spanish
):
    clinic = patient.clinic
    clinic.crisis_line_number = "1-800-555-0199"
    clinic.crisis_line_text = "Our nurse line is open day and night."
    clinic.crisis_line_text_es = ""
    clinic.save()
    client.force_login(patient.user)
    page = _page(client, "/crisis/", reads_spanish)
    assert "Our nurse line is open day and night." in page
    assert "988" not in page
    assert "AYUDA" not in page  # AYUDA reaches Spanish help only at 988


def test_the_check_in_crisis_screen_fills_in_ayuda_for_a_spanish_reader(
    client, patient, reads_spanish
):
    client.force_login(patient.user)
    page = _page(client, reverse("checkins:crisis"), reads_spanish)
    assert 'href="sms:988?&body=AYUDA"' in page


def test_a_new_clinic_starts_with_988s_spanish_wording(db):
    clinic = factories.make_clinic("Valle Clinic")
    assert clinic.crisis_line_text_es == SPANISH_CRISIS_TEXT
    assert "oprima el 2" in SPANISH_CRISIS_TEXT
    assert "AYUDA" in SPANISH_CRISIS_TEXT
    assert len(SPANISH_CRISIS_TEXT) <= 240


def test_signed_out_visitors_who_read_spanish_see_988_in_spanish():
    crisis = crisis_help(None, language="es-mx")
    assert crisis["text"] == SPANISH_CRISIS_TEXT
    assert crisis["sms_body"] == "AYUDA"
    assert crisis_help(None, language="en")["sms_body"] == ""


def test_the_admin_changes_the_spanish_wording_and_it_is_audited(clinic, clinic_admin):
    changes = clinic_settings_update(
        clinic=clinic,
        by=clinic_admin,
        values={"crisis_line_text_es": "Llame a nuestra línea, a cualquier hora."},
        schedule={},
    )
    clinic.refresh_from_db()
    assert clinic.crisis_line_text_es == "Llame a nuestra línea, a cualquier hora."
    assert [c.setting for c in changes] == ["crisis_line_text_es"]


def test_the_settings_page_offers_the_spanish_wording_field(client, clinic_admin, clinic):
    client.force_login(clinic_admin)
    page = _page(client, "/clinic/settings/")
    assert 'name="crisis_line_text_es"' in page
    assert 'lang="es"' in page


def test_the_988_spanish_steps_carry_their_source():
    from taperwell.clinical.formulary import load_sources

    assert "988lifeline.org" in load_sources()["LIFELINE-988-SPANISH"]
