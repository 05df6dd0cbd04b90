"""The crisis help a patient reads, in their language.

988 answers in Spanish: on a call, a recorded menu offers Spanish as option 2; by text, the
reply offers the Spanish-language line when the person texts AYUDA (988 Suicide & Crisis
Lifeline, "What to expect", https://988lifeline.org/get-help/what-to-expect/, read December
2026; source LIFELINE-988-SPANISH in taperwell/clinical/data/sources.toml). These steps belong
to 988 only: a clinic with another crisis number writes its own Spanish wording.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from taperwell.clinics.models import Clinic

NATIONAL_LINE = "988"
SPANISH_TEXT_KEYWORD = "AYUDA"  # texted to 988, it reaches the Spanish-language line
SPANISH_CRISIS_TEXT = (
    "¿Necesita hablar ahora? Llame al 988 y oprima el 2 para hablar en español, o envíe un "
    "mensaje de texto con la palabra AYUDA al 988. A cualquier hora, de día o de noche."
)
ENGLISH_CRISIS_TEXT = "Need to talk now? Call or text 988, any time, day or night."


def is_spanish(language: str | None) -> bool:
    return bool(language) and str(language).lower().split("-")[0] == "es"


def crisis_help(clinic: Clinic | None, *, language: str | None) -> dict[str, str]:
    """The crisis bar and page's words and numbers for one clinic (None: signed out).

    `text` is the clinic's wording in the reader's language; a clinic that left its Spanish
    wording empty shows its English wording rather than words about a number it does not use.
    `sms_body` fills in AYUDA on the 988 text link for a Spanish reader.
    """
    spanish = is_spanish(language)
    if clinic is None:
        number, emergency, phone = NATIONAL_LINE, "911", ""
        text = SPANISH_CRISIS_TEXT if spanish else ENGLISH_CRISIS_TEXT
    else:
        number, emergency, phone = (
            clinic.crisis_line_number,
            clinic.emergency_number,
            clinic.phone,
        )
        text = clinic.crisis_line_text
        if spanish and clinic.crisis_line_text_es.strip():
            text = clinic.crisis_line_text_es
    sms_body = SPANISH_TEXT_KEYWORD if spanish and number == NATIONAL_LINE else ""
    return {
        "number": number,
        "text": text,
        "emergency": emergency,
        "clinic_phone": phone,
        "sms_body": sms_body,
    }
