"""Questionnaires for readers of Spanish: only an official translation, word for word, may be
shown; until one is in the file the English is shown with a note in Spanish, which names the
official version (and its source) or says none is known."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from taperwell.clinical.formulary import DataError, load_sources, read_toml
from taperwell.clinical.instruments import INSTRUMENTS_DIR, get_instrument, parse_instrument

PATIENT_QUESTIONNAIRES = ("peg", "phq9", "gad7", "sows")


def _document(name: str) -> dict[str, Any]:
    return copy.deepcopy(read_toml(INSTRUMENTS_DIR / f"{name}.toml"))


@pytest.mark.parametrize("name", PATIENT_QUESTIONNAIRES)
def test_every_patient_questionnaire_has_a_spanish_note_and_shows_the_english(name: str) -> None:
    note = get_instrument(name).language_note("es")
    assert note is not None
    assert note.shown == "english"
    assert note.note.startswith("Estas preguntas están en inglés")
    assert note.why


@pytest.mark.parametrize("name", ["phq9", "gad7"])
def test_the_phq9_and_gad7_name_their_official_spanish_version_and_its_source(name: str) -> None:
    note = get_instrument(name).language_note("es-US")
    assert note is not None
    assert "Spanish for USA" in note.official
    assert note.source == "PHQ-SCREENERS"
    assert "phqscreeners.com" in load_sources()["PHQ-SCREENERS"]


def test_an_english_reader_gets_no_note() -> None:
    assert get_instrument("phq9").language_note("en") is None
    assert get_instrument("phq9").language_note(None) is None


def test_a_file_offering_its_own_translation_is_refused() -> None:
    document = _document("phq9")
    document["languages"]["es"]["shown"] = "translated"
    with pytest.raises(DataError, match='only "english"'):
        parse_instrument(document, where="phq9")


def test_a_spanish_note_without_its_reason_is_refused() -> None:
    document = _document("gad7")
    del document["languages"]["es"]["why"]
    with pytest.raises(DataError, match="why"):
        parse_instrument(document, where="gad7")


def test_a_spanish_note_citing_an_unknown_source_is_refused() -> None:
    document = _document("gad7")
    document["languages"]["es"]["source"] = "SOMEWHERE"
    with pytest.raises(DataError):
        parse_instrument(document, where="gad7")
