"""The Spanish catalogue is complete, not fuzzy, and up to date with the code and templates.

`make messages` refreshes it (taperwell/core/catalogue.py says which files speak to patients).
"""

from __future__ import annotations

import re

import polib
import pytest

from taperwell.core.catalogue import CATALOGUE_LANGUAGES, LOCALE_DIR, make_messages


def catalogue(code: str, locale_dir=LOCALE_DIR) -> polib.POFile:
    return polib.pofile(str(locale_dir / code / "LC_MESSAGES" / "django.po"))


def keys(po: polib.POFile) -> set[tuple[str, str, str]]:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in po if not e.obsolete}


@pytest.mark.parametrize("code", CATALOGUE_LANGUAGES)
def test_every_message_in_the_catalogue_is_translated(code):
    untranslated = [e.msgid for e in catalogue(code).untranslated_entries()]
    assert untranslated == [], f"{len(untranslated)} not translated in {code}: {untranslated[:10]}"


@pytest.mark.parametrize("code", CATALOGUE_LANGUAGES)
def test_no_message_in_the_catalogue_is_fuzzy(code):
    fuzzy = [e.msgid for e in catalogue(code).fuzzy_entries()]
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {code} (check and untick them): {fuzzy[:10]}"


@pytest.mark.parametrize("code", CATALOGUE_LANGUAGES)
def test_plural_messages_have_every_form(code):
    po = catalogue(code)
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    short = [
        e.msgid
        for e in po
        if e.msgid_plural
        and [i for i in range(forms) if e.msgstr_plural.get(i)] != list(range(forms))
    ]
    assert short == []


def test_the_catalogue_is_up_to_date_with_the_code_and_templates(tmp_path, settings):
    make_messages(tmp_path)
    for code in CATALOGUE_LANGUAGES:
        fresh, committed = keys(catalogue(code, tmp_path)), keys(catalogue(code))
        new = sorted(m for _, m, _ in fresh - committed)
        gone = sorted(m for _, m, _ in committed - fresh)
        assert (new, gone) == ([], []), (
            f"The {code} catalogue is out of date: run `make messages` and translate. "
            f"New: {new[:10]} Gone: {gone[:10]}"
        )
