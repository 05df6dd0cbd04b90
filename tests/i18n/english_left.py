"""Find English left on a Spanish page: visible text that is one of the catalogue's English
messages (msgids), whole or a long piece of one.

Allowed: anything the same in both languages (the catalogue says so: its Spanish equals its
English, like "No" or "MRN"), names, numbers, drug names, 988 and the instrument names, none of
which are catalogue messages. Words that come from data (a clinic's session titles, the
practice files, the instruments' own items) are not catalogue messages either, so they are not
judged here: practices and questionnaires have their own Spanish files.
"""

from __future__ import annotations

import re
from functools import cache

import polib

from taperwell.core.catalogue import LOCALE_DIR

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>")
MIN_PIECE_WORDS = 4  # a piece of a message shorter than this could be a Spanish word too


def _normal(text: str) -> str:
    return " ".join(text.split())


@cache
def english_messages() -> tuple[set[str], list[str]]:
    """(whole messages, long pieces of messages with placeholders or markup) in English."""
    po = polib.pofile(str(LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"))
    whole: set[str] = set()
    pieces: list[str] = []
    for entry in po:
        english = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        spanish = [entry.msgstr, *entry.msgstr_plural.values()]
        for message in english:
            if message in spanish:
                continue  # the same in both languages
            if not PLACEHOLDER.search(message):
                whole.add(_normal(message))
            for piece in PLACEHOLDER.split(message):
                piece = _normal(piece).strip(" .,:;()")
                if len(piece.split()) >= MIN_PIECE_WORDS:
                    pieces.append(piece)
    return whole, pieces


def english_left(texts: list[str], *, data: frozenset[str] = frozenset()) -> list[str]:
    """The texts (visible text nodes, labels) that are still English catalogue messages.

    `data`: words that come from data, not the catalogue, and happen to match a message (a
    session's title typed by staff, a practice file's title, a language's own name).
    """
    whole, pieces = english_messages()
    left = []
    for text in map(_normal, texts):
        rest = text
        for words in data:
            rest = rest.replace(words, " ")
        if not rest.strip():
            continue
        if text in whole or any(piece in rest for piece in pieces):
            left.append(text)
    return sorted(set(left))
