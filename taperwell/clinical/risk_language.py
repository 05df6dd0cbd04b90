"""A screen for risk language: words that may mean a person is thinking of ending their life.

Used on peer posts, messages and check-in notes. `screen(text)` returns a `RiskScreen`:

- `"high"`: a phrase of a C-SSRS ideation or behaviour category (POSNER-2011): wish to be dead,
  active thoughts, a method, intent, a plan, preparing (saving up pills, a goodbye letter), a past
  attempt, self-injury. The caller shows crisis help at once and tells the care team.
- `"possible"`: indirect warning signs ("can't go on", "no point anymore", being a burden,
  goodbyes in passing), the subject named without a statement about oneself ("suicide",
  "overdose"), or any phrase said with a negation ("I'm not suicidal"). The care team reads it.
- `"none"`: nothing in the data matched.

The phrases, their categories and the category-to-risk mapping are in
`data/risk_language.toml`, which says where each comes from.

Why a negated phrase is "possible" and not nothing: "I'm not suicidal" usually means what it
says, but people in distress also minimise, and a screen cannot tell which. A person a clinician
reads needlessly costs a minute; a missed one can cost a life. And never "high": reassurance
should not bring the crisis page to someone who has just said they are safe.

What the screen does not do: it does not read meaning. Ordinary pain talk ("this pain is
killing me", "dead tired", "dying to see my grandkids") is simply not in the data; new
idioms that look like risk phrases are handled by writing the phrase more narrowly and adding
the idiom to the tests. It is a net for the care team, not a diagnosis.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Risk = Literal["none", "possible", "high"]

RISKS: tuple[Risk, ...] = ("none", "possible", "high")
LANGUAGES: tuple[str, ...] = ("en", "es")
PHRASES_PATH = Path(__file__).resolve().parent / "data" / "risk_language.toml"
NO_SOURCE = "none"

# Apostrophes of every kind, straight or curly, are removed before matching (don't = dont).
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc\u00b4`\u2032")
# A negation counts only within this many words before the phrase, in the same clause.
NEGATION_WINDOW = 4
_NEGATORS = frozenset(
    {
        # English (apostrophes already removed)
        "not",
        "no",
        "never",
        "dont",
        "doesnt",
        "didnt",
        "wont",
        "wouldnt",
        "isnt",
        "arent",
        "wasnt",
        "aint",
        "havent",
        "hasnt",
        "hadnt",
        "nor",
        "neither",
        # Spanish (accents already removed)
        "nunca",
        "jamas",
        "ni",
        "tampoco",
    }
)
# Where a clause ends: a negation before one of these does not reach a phrase after it.
_CLAUSE_BREAK = re.compile(
    r"[.!?;:,()\"\n]|\b(?:and|but|so|because|though|although|y|pero|porque|aunque|asi que)\b"
)
_WORD = re.compile(r"[a-z0-9]+")


class RiskLanguageDataError(ValueError):
    """The phrase file is not usable; the message says where."""


@dataclass(frozen=True)
class Category:
    id: str
    cssrs: str
    risk: Risk
    patterns: Mapping[str, tuple[re.Pattern[str], ...]]


@dataclass(frozen=True)
class PhraseBook:
    source: str
    mapping_source: str
    mapping_note: str
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class RiskMatch:
    """One phrase found: its category, the words as written, and the risk it counts for."""

    category: str
    text: str
    language: str
    negated: bool
    risk: Risk

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "text": self.text,
            "language": self.language,
            "negated": self.negated,
            "risk": self.risk,
        }


@dataclass(frozen=True)
class RiskScreen:
    risk: Risk
    matched: tuple[RiskMatch, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"risk": self.risk, "matched": [m.as_dict() for m in self.matched]}


# ---------------------------------------------------------------------------------------------
# Normalising


def normalise(text: str) -> tuple[str, tuple[int, ...]]:
    """Lower case, no accents, no apostrophes, one space for any run of white space.

    Also returns, for each character of the result, the index of the character of `text` it
    came from, so a match can be shown as the person wrote it.
    """
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in _APOSTROPHES:
            continue
        for piece in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(piece):
                continue
            for low in piece.lower():
                if low.isspace():
                    if not out or out[-1] == " ":
                        continue
                    low = " "
                out.append(low)
                origin.append(index)
    return "".join(out), tuple(origin)


def _plain(phrase: str) -> str:
    """A phrase written with accents or apostrophes, in the form the text is matched in."""
    return normalise(phrase)[0]


# ---------------------------------------------------------------------------------------------
# Data


@functools.cache
def load_phrases(path: Path = PHRASES_PATH) -> PhraseBook:
    """The phrase book, read and checked once."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    return parse_phrases(document, where=path.name)


def parse_phrases(document: Mapping[str, Any], *, where: str = "risk language") -> PhraseBook:
    from taperwell.clinical.formulary import load_sources

    sources = load_sources()
    source = document.get("source")
    if not isinstance(source, str) or source not in sources:
        raise RiskLanguageDataError(f"{where}: source must be a known source name")
    mapping = document.get("mapping")
    if not isinstance(mapping, dict):
        raise RiskLanguageDataError(f"{where}: needs a [mapping] table with source and note")
    mapping_source, mapping_note = mapping.get("source"), mapping.get("note")
    if not isinstance(mapping_source, str) or (
        mapping_source != NO_SOURCE and mapping_source not in sources
    ):
        raise RiskLanguageDataError(f"{where}: mapping.source must be a source name or 'none'")
    if not isinstance(mapping_note, str) or not mapping_note.strip():
        raise RiskLanguageDataError(f"{where}: mapping needs a note on where it comes from")
    if mapping_source == NO_SOURCE and "no source" not in mapping_note.lower():
        raise RiskLanguageDataError(f"{where}: a mapping without a source must say so")
    table = document.get("category")
    if not isinstance(table, dict) or not table:
        raise RiskLanguageDataError(f"{where}: no [category.*] tables")
    categories = [_category(cid, raw, f"{where}: category.{cid}") for cid, raw in table.items()]
    return PhraseBook(source, mapping_source, mapping_note, tuple(categories))


def _category(category_id: str, raw: Any, here: str) -> Category:
    if not isinstance(raw, dict):
        raise RiskLanguageDataError(f"{here} must be a table")
    cssrs, risk = raw.get("cssrs"), raw.get("risk")
    if not isinstance(cssrs, str) or not cssrs.strip():
        raise RiskLanguageDataError(f"{here}.cssrs must name the C-SSRS category (or 'none: ...')")
    if risk not in ("possible", "high"):
        raise RiskLanguageDataError(f"{here}.risk must be possible or high")
    unknown = set(raw) - {"cssrs", "risk", *LANGUAGES}
    if unknown:
        raise RiskLanguageDataError(f"{here}: unknown key(s) {', '.join(sorted(unknown))}")
    patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
    for language in LANGUAGES:
        phrases = raw.get(language)
        if not isinstance(phrases, list) or not phrases:
            raise RiskLanguageDataError(f"{here}.{language} must be a non-empty list of phrases")
        compiled = []
        for phrase in phrases:
            if not isinstance(phrase, str) or not phrase.strip():
                raise RiskLanguageDataError(f"{here}.{language}: every phrase must be text")
            try:
                compiled.append(re.compile(rf"\b(?:{_plain(phrase)})\b"))
            except re.error as error:
                raise RiskLanguageDataError(
                    f"{here}.{language}: {phrase!r} is not a valid pattern: {error}"
                ) from error
        patterns[language] = tuple(compiled)
    return Category(category_id, cssrs, risk, patterns)


# ---------------------------------------------------------------------------------------------
# Screening


def _languages(language: str | None) -> tuple[str, ...]:
    """The phrase lists to try: the one asked for, or all when none is given or it is not one
    the data has (a screen never skips text because of its language)."""
    if language is None:
        return LANGUAGES
    primary = language.strip().lower().replace("_", "-").split("-")[0]
    return (primary,) if primary in LANGUAGES else LANGUAGES


def _negated(plain: str, start: int) -> bool:
    clause = _CLAUSE_BREAK.split(plain[:start])[-1]
    words = _WORD.findall(clause)[-NEGATION_WINDOW:]
    return any(word in _NEGATORS for word in words)


def screen(text: str, *, language: str | None = None) -> RiskScreen:
    """Screen free text for risk language (English and Spanish; see the module docstring)."""
    book = load_phrases()
    plain, origin = normalise(text)
    found: dict[tuple[str, int, int], RiskMatch] = {}
    for category in book.categories:
        for lang in _languages(language):
            for pattern in category.patterns[lang]:
                for hit in pattern.finditer(plain):
                    if hit.end() == hit.start():
                        continue
                    key = (category.id, hit.start(), hit.end())
                    if key in found:
                        continue
                    negated = _negated(plain, hit.start())
                    written = text[origin[hit.start()] : origin[hit.end() - 1] + 1]
                    risk: Risk = "possible" if negated else category.risk
                    found[key] = RiskMatch(category.id, written, lang, negated, risk)
    kept = [key for key in found if not _inside_another(key, found)]
    matched = tuple(found[key] for key in sorted(kept, key=lambda k: (k[1], k[2], k[0])))
    return RiskScreen(_highest(m.risk for m in matched), matched)


def _inside_another(
    key: tuple[str, int, int], found: Mapping[tuple[str, int, int], RiskMatch]
) -> bool:
    """A match lying within a longer match of the same category that counts as much or more
    (one phrase found by two patterns is shown once)."""
    category, start, end = key
    return any(
        other != key
        and other[0] == category
        and other[1] <= start
        and end <= other[2]
        and RISKS.index(found[other].risk) >= RISKS.index(found[key].risk)
        for other in found
    )


def _highest(risks: Iterable[Risk]) -> Risk:
    level = 0
    for risk in risks:
        level = max(level, RISKS.index(risk))
    return RISKS[level]
