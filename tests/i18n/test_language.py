"""Which language a page speaks: the patient's choice, the browser's before sign-in, English
for staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_spanish_speaking_patient_sees_today_in_spanish(client, rosa):
    client.force_login(rosa.user)
    response = client.get(reverse("today:today"))
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Hola, Rosa" in html
    assert response["Content-Language"] == "es"


def test_an_english_speaking_patient_sees_today_in_english_whatever_the_browser_says(
    client, patient
):
    client.force_login(patient.user)
    response = client.get(reverse("today:today"), HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="en">' in response.content.decode()
    assert "Hello, Maria" in response.content.decode()


def test_the_sign_in_page_follows_the_browser_before_sign_in(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert '<html lang="es">' in response.content.decode()


def test_staff_pages_stay_english_even_for_a_spanish_browser(client, clinician, rosa):
    client.force_login(clinician)
    response = client.get(reverse("care:patient", args=[rosa.public_id]), HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Spanish" in html  # the banner names the patient's language


def test_spanish_dates_read_day_then_month(client, rosa):
    client.force_login(rosa.user)
    html = client.get(reverse("today:today")).content.decode()
    assert " de " in html.split('class="today-date">')[1].split("<")[0]


def test_a_patient_changes_their_language_on_the_account_page(client, patient):
    client.force_login(patient.user)
    page = client.get(reverse("account_change_password")).content.decode()
    assert "Español" in page
    response = client.post(reverse("patients:language"), {"preferred_language": "es"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.preferred_language == "es"
    assert '<html lang="es">' in client.get(reverse("today:today")).content.decode()


def test_a_language_the_site_does_not_offer_is_refused(client, patient):
    client.force_login(patient.user)
    client.post(reverse("patients:language"), {"preferred_language": "xx"})
    patient.refresh_from_db()
    assert patient.preferred_language == "en"


def test_staff_cannot_use_the_patients_language_page(client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("patients:language"), {"preferred_language": "es"})
    assert response.status_code in (302, 403)
    assert '<html lang="en">' in client.get(reverse("care:dashboard")).content.decode()


def test_the_demo_clinic_has_a_patient_who_reads_spanish(client):
    from taperwell.demo.services import demo_load
    from taperwell.patients.models import Patient

    demo_load()
    rosa = Patient.objects.get(user__email="rosa@example.org")
    assert rosa.preferred_language == "es"
    assert rosa.checkins.exists()
    client.force_login(rosa.user)
    assert "Hola, Rosa" in client.get(reverse("today:today")).content.decode()


def test_the_check_in_response_names_a_hard_day_in_spanish():
    from django.utils import translation

    from taperwell.checkins.response import CheckInResponse

    with translation.override("es"):
        assert CheckInResponse(True, ("withdrawal",)).sentence == "La abstinencia fue difícil hoy."
        assert (
            CheckInResponse(True, ("pain", "sleep", "mood")).sentence
            == "El dolor, el sueño y el ánimo fueron difíciles hoy."
        )


def test_spanish_dates_and_numbers_read_as_a_us_spanish_reader_expects():
    import datetime as dt
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    page = Template(
        '{{ day|date:_("F j, Y") }} · {{ day|date:_("l, F j") }} · {{ dose|floatformat:1 }} · '
        "{{ big|floatformat:0 }}"
    )
    context = Context({"day": dt.date(2026, 12, 21), "dose": Decimal("7.5"), "big": 1200})
    with translation.override("es"):
        spanish = page.render(context)
    assert spanish == "21 de diciembre de 2026 · lunes 21 de diciembre · 7.5 · 1200"
    with translation.override("en"):
        assert page.render(context) == "December 21, 2026 · Monday, December 21 · 7.5 · 1200"


def test_the_error_pages_give_crisis_help_in_the_readers_language():
    from django.template.loader import render_to_string
    from django.utils import translation

    for page in ("500.html", "503.html"):
        with translation.override("es"):
            html = render_to_string(page)
        assert '<html lang="es">' in html
        assert '¿Necesita hablar ahora? Llame o envíe un texto al <a href="tel:988">988</a>' in html


def test_spanish_month_names_are_written_in_lower_case_in_every_date_format():
    """Spanish writes months in lower case ("15 de dic."), where Django's short Spanish month
    ("M") is capitalised ("15 de Dic"). Every date format the catalogue translates is checked on
    every month of a year."""
    import datetime as dt

    import polib
    from django.conf import settings
    from django.utils import translation
    from django.utils.dateformat import format as date_format

    catalogue = polib.pofile(str(settings.BASE_DIR / "taperwell/locale/es/LC_MESSAGES/django.po"))
    formats = [
        entry.msgid
        for entry in catalogue
        if entry.msgid
        and all(c in "DjMNFYbgiAlnm ,:/.\\de" for c in entry.msgid)
        and any(c in entry.msgid for c in "MNFb")
    ]
    assert "M j" in formats
    assert "D, M j" in formats
    with translation.override("es"):
        for written in formats:
            spanish = translation.gettext(written)
            for month in range(1, 13):
                day = dt.datetime(2026, month, 15, 15, 5, tzinfo=dt.UTC)
                words = date_format(day, spanish)
                assert words == words.lower().replace(" pm", " PM").replace(" am", " AM"), (
                    written,
                    words,
                )
