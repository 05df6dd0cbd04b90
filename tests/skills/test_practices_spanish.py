"""Practices and lessons in Spanish: a `name.es.md` beside every `name.md`, picked by the
reader's language, English when there is none; a clinic's own practices may come in both."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from taperwell.skills.practices import (
    BUILT_IN_DIR,
    SLUG_PATTERN,
    load_practices,
    parse_practice,
)
from tests.skills.test_practices import HEADER

SPANISH_HEADER = """---
title: Meditación caminando
minutes: 7
kind: body
when: Cuando le cuesta quedarse quieto
why: Moverse con suavidad y atención es una forma de atención plena.
helps: stress
audio: walk.mp3
---
"""

ENGLISH_FILES = sorted(p for p in BUILT_IN_DIR.glob("*.md") if SLUG_PATTERN.match(p.stem))


def _read(path: Path):
    return parse_practice(
        path.read_text(encoding="utf-8"), slug=path.stem, folder=path.parent, from_clinic=False
    )


def test_the_built_in_practices_are_found() -> None:
    assert len(ENGLISH_FILES) >= 13


@pytest.mark.parametrize("english", ENGLISH_FILES, ids=lambda p: p.stem)
def test_every_practice_and_lesson_has_a_spanish_file_with_the_same_header(english: Path) -> None:
    spanish = english.with_name(f"{english.stem}.es.md")
    assert spanish.is_file(), f"{english.name} has no Spanish file {spanish.name}"
    en, es = _read(english), _read(spanish)
    assert (es.kind, es.minutes, es.order, es.helps, es.audio) == (
        en.kind,
        en.minutes,
        en.order,
        en.helps,
        en.audio,
    )
    assert es.title != en.title
    assert es.why
    assert es.body_html.strip()
    assert (es.when == "") == (en.when == "")


def test_a_spanish_reader_gets_the_spanish_words_and_the_same_list_in_the_same_order() -> None:
    english = load_practices(language="en")
    spanish = load_practices(language="es")
    assert [p.slug for p in spanish] == [p.slug for p in english]
    by_slug = {p.slug: p for p in spanish}
    assert by_slug["breathing-pacer"].title == "Respiración lenta"
    assert "Siga el círculo" in by_slug["breathing-pacer"].body_html
    assert by_slug["urge-surfing"].helps == frozenset({"craving"})


def test_english_is_the_default_and_a_language_without_files_falls_back_to_it() -> None:
    english = {p.slug: p.title for p in load_practices(language="en")}
    assert english["breathing-pacer"] == "Slow breathing"
    assert {p.slug: p.title for p in load_practices(language="fr")} == english


@pytest.mark.django_db
def test_a_clinic_practice_comes_in_both_languages(client, patient, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    folder = tmp_path / "clinics" / patient.clinic.slug / "practices"
    folder.mkdir(parents=True)
    (folder / "walking-meditation.md").write_text(HEADER + "Walk **slowly**.", encoding="utf-8")
    (folder / "walking-meditation.es.md").write_text(
        SPANISH_HEADER + "Camine **despacio**.", encoding="utf-8"
    )
    settings.LANGUAGES = [("en", "English"), ("es", "Español")]
    client.force_login(patient.user)
    url = "/skills/practice/walking-meditation/"
    _reads(patient, "es")
    spanish = html.unescape(client.get(url).content.decode())
    assert "Meditación caminando" in spanish
    assert "Camine <strong>despacio</strong>." in spanish
    _reads(patient, "en")
    english = client.get(url).content.decode()
    assert "Walking meditation" in english
    assert "Camine" not in english


@pytest.mark.django_db
def test_a_clinic_practice_in_english_only_is_shown_in_english_to_a_spanish_reader(
    patient, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    folder = tmp_path / "clinics" / patient.clinic.slug / "practices"
    folder.mkdir(parents=True)
    (folder / "walking-meditation.md").write_text(HEADER + "Walk.", encoding="utf-8")
    practices = {p.slug: p for p in load_practices(patient.clinic.slug, language="es")}
    assert practices["walking-meditation"].title == "Walking meditation"


@pytest.mark.django_db
def test_a_spanish_file_cannot_change_what_the_practice_is(patient, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    folder = tmp_path / "clinics" / patient.clinic.slug / "practices"
    folder.mkdir(parents=True)
    (folder / "walking-meditation.md").write_text(HEADER + "Walk.", encoding="utf-8")
    changed = SPANISH_HEADER.replace("minutes: 7", "minutes: 30").replace(
        "kind: body", "kind: urge"
    )
    (folder / "walking-meditation.es.md").write_text(changed + "Camine.", encoding="utf-8")
    practice = next(
        p
        for p in load_practices(patient.clinic.slug, language="es")
        if p.slug == "walking-meditation"
    )
    assert (practice.title, practice.minutes, practice.kind) == ("Meditación caminando", 7, "body")


@pytest.mark.django_db
def test_a_broken_spanish_file_leaves_the_english_one_shown(patient, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    folder = tmp_path / "clinics" / patient.clinic.slug / "practices"
    folder.mkdir(parents=True)
    (folder / "walking-meditation.md").write_text(HEADER + "Walk.", encoding="utf-8")
    (folder / "walking-meditation.es.md").write_text("sin encabezado", encoding="utf-8")
    practices = {p.slug: p for p in load_practices(patient.clinic.slug, language="es")}
    assert practices["walking-meditation"].title == "Walking meditation"


@pytest.mark.django_db
def test_the_skills_page_lists_the_practices_in_spanish(client, patient, settings):
    settings.LANGUAGES = [("en", "English"), ("es", "Español")]
    _reads(patient, "es")
    client.force_login(patient.user)
    page = html.unescape(client.get("/skills/").content.decode())
    assert "Surfear las ganas" in page
    assert "Urge surfing" not in page


def _reads(patient, language):
    """A signed-in patient's pages follow their preferred language, not the browser's."""
    patient.preferred_language = language
    patient.save(update_fields=["preferred_language"])

