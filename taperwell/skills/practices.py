"""Coping practices as content: Markdown files with a small header, read from folders.

A practice file looks like this (the header is `key: value` lines between `---` fences):

    ---
    title: Mindful breathing
    minutes: 5
    kind: breathing
    when: When you feel tense, rushed or stuck in your head
    why: One short line, in plain words, on why it helps and where that comes from.
    helps: pain, stress            (optional: pain, withdrawal, craving, low-mood, stress, sleep)
    audio: mindful-breathing.mp3   (optional: a file in the same folder)
    order: 20                      (optional: lower comes first)
    ---
    The text, in Markdown.

Folders, later ones replacing a practice of the same name (the file name is its slug):
1. `taperwell/skills/practices/` (written for taperwell),
2. `settings.SKILLS_EXTRA_PRACTICES_DIR`, if set (for every clinic on this server),
3. `<VAR_DIR>/clinics/<clinic slug>/practices/` (one clinic's own).

Languages: beside `name.md` (English, always needed), `name.es.md` is the same practice in
Spanish, with the same header but its own title, when, why and text. The reader's language
(`django.utils.translation.get_language()`) picks the file; with no file in that language, the
English one is shown. A clinic's own practices come the same way, both files in its folder. The
order of the list follows the English titles, so the practice of the day is the same in every
language.

Raw HTML in a file is shown as text, never run, and links may only go to web pages, the site
itself, phone numbers or email.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import markdown
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from taperwell.skills.models import PracticeKind

logger = logging.getLogger(__name__)

BUILT_IN_DIR = Path(__file__).resolve().parent / "practices"
PACER_SLUG = "breathing-pacer"
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}$")
AUDIO_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(mp3|m4a|ogg|oga|wav|webm)$")
AUDIO_TYPES = {
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "wav": "audio/wav",
    "webm": "audio/webm",
}
NEEDS = frozenset({"pain", "withdrawal", "craving", "low-mood", "stress", "sleep"})
SAFE_LINK = re.compile(r"^(https?://|/|#|mailto:|tel:)", re.IGNORECASE)
MAX_MINUTES = 60


class PracticeFileError(ValueError):
    """A practice file whose header cannot be used; the message says which file and why."""


@dataclass(frozen=True)
class Practice:
    slug: str
    title: str
    minutes: int
    kind: str
    when: str
    why: str
    body_html: SafeString
    helps: frozenset[str] = frozenset()
    audio: str = ""
    order: int = 100
    folder: Path = BUILT_IN_DIR
    from_clinic: bool = False

    @property
    def is_pacer(self) -> bool:
        return self.kind == PracticeKind.PACER

    @property
    def is_lesson(self) -> bool:
        return self.kind == PracticeKind.LESSON

    @property
    def kind_label(self) -> str:
        return str(PracticeKind(self.kind).label)

    @property
    def url(self) -> str:
        if self.is_pacer:
            return reverse("skills:pacer")
        return reverse("skills:practice", args=[self.slug])

    @property
    def audio_path(self) -> Path | None:
        return self.folder / self.audio if self.audio else None


# ---------------------------------------------------------------------------------------------
# Markdown without raw HTML


class _SafeLinks(markdown.treeprocessors.Treeprocessor):
    """Drop links and images that point anywhere but the web, this site, a phone or email."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not SAFE_LINK.match(value.strip()):
                    del element.attrib[attribute]


class _NoRawHtml(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API name
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "taperwell_safe_links", 0)


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML; any HTML in the text is escaped and shown as text."""
    html = markdown.markdown(text, extensions=[_NoRawHtml(), "sane_lists"], output_format="html")
    return mark_safe(html)  # noqa: S308 - raw HTML disabled and links filtered above


# ---------------------------------------------------------------------------------------------
# Reading files


def parse_practice(text: str, *, slug: str, folder: Path, from_clinic: bool) -> Practice:
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise PracticeFileError(f"{slug}.md: the file must start with a '---' header")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise PracticeFileError(f"{slug}.md: the header has no closing '---'") from None
    header: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise PracticeFileError(f"{slug}.md: header line {line!r} has no 'key: value'")
        header[key.strip().lower()] = value.strip()
    for required in ("title", "minutes", "kind"):
        if not header.get(required):
            raise PracticeFileError(f"{slug}.md: the header needs '{required}'")
    try:
        minutes = int(header["minutes"])
    except ValueError:
        raise PracticeFileError(f"{slug}.md: minutes must be a whole number") from None
    if not 1 <= minutes <= MAX_MINUTES:
        raise PracticeFileError(f"{slug}.md: minutes must be 1 to {MAX_MINUTES}")
    kind = header["kind"].lower()
    if kind not in PracticeKind.values:
        raise PracticeFileError(
            f"{slug}.md: kind must be one of {', '.join(PracticeKind.values)}, not {kind!r}"
        )
    helps = frozenset(h.strip().lower() for h in header.get("helps", "").split(",") if h.strip())
    if helps - NEEDS:
        raise PracticeFileError(
            f"{slug}.md: helps may list {', '.join(sorted(NEEDS))}; not {sorted(helps - NEEDS)}"
        )
    audio = header.get("audio", "")
    if audio and not AUDIO_PATTERN.match(audio):
        raise PracticeFileError(f"{slug}.md: audio must be a plain file name like talk.mp3")
    try:
        order = int(header.get("order", "100"))
    except ValueError:
        raise PracticeFileError(f"{slug}.md: order must be a whole number") from None
    return Practice(
        slug=slug,
        title=header["title"],
        minutes=minutes,
        kind=kind,
        when=header.get("when", ""),
        why=header.get("why", ""),
        helps=helps,
        audio=audio,
        order=order,
        body_html=render_markdown("\n".join(lines[end + 1 :])),
        folder=folder,
        from_clinic=from_clinic,
    )


@functools.lru_cache(maxsize=256)
def _read(path: Path, mtime_ns: int, from_clinic: bool, slug: str = "") -> Practice:
    # Keyed on the modification time, so an edited file is read again and an unchanged one is not.
    del mtime_ns
    return parse_practice(
        path.read_text(encoding="utf-8"),
        slug=slug or path.stem,
        folder=path.parent,
        from_clinic=from_clinic,
    )


def language_file(
    path: Path, language: str | None, *, names: frozenset[str] | None = None
) -> Path | None:
    """`name.es.md` beside `name.md` for a Spanish reader (None for English or no such file).
    `names`: the folder's file names, when listed already (no look at the disk then)."""
    code = (language or "en").lower().split("-")[0]
    if code == "en" or not re.fullmatch(r"[a-z]{2,3}", code):
        return None
    translated = f"{path.stem}.{code}.md"
    if names is not None:
        return path.with_name(translated) if translated in names else None
    candidate = path.with_name(translated)
    return candidate if candidate.is_file() else None


def _read_in(
    path: Path, from_clinic: bool, language: str | None, names: frozenset[str] | None = None
) -> tuple[Practice, Practice]:
    """(the English practice, the one to show): the language's file when there is one."""
    english = _read(path, path.stat().st_mtime_ns, from_clinic)
    translated = language_file(path, language, names=names)
    if translated is None:
        return english, english
    try:
        shown = _read(translated, translated.stat().st_mtime_ns, from_clinic, path.stem)
    except (PracticeFileError, OSError, UnicodeDecodeError) as error:
        logger.warning("Practice file left out, English shown: %s (%s)", translated, error)
        return english, english
    return english, _in_language(english, shown)


@functools.lru_cache(maxsize=256)
def _in_language(english: Practice, shown: Practice) -> Practice:
    # What the practice is (kind, minutes, what it helps, its place) stays the English file's, so
    # suggestions and the list behave the same in every language; words and audio are its own.
    # (Kept with the files' parses: the same two parses give the same practice.)
    return dataclasses.replace(
        shown, kind=english.kind, minutes=english.minutes, helps=english.helps, order=english.order
    )


def practice_folders(clinic_slug: str | None = None) -> list[tuple[Path, bool]]:
    folders: list[tuple[Path, bool]] = [(BUILT_IN_DIR, False)]
    extra = getattr(settings, "SKILLS_EXTRA_PRACTICES_DIR", None)
    if extra:
        folders.append((Path(extra), True))
    var_dir = getattr(settings, "VAR_DIR", None)
    if clinic_slug and var_dir:
        folders.append((Path(var_dir) / "clinics" / clinic_slug / "practices", True))
    return folders


def _files(folders: Iterable[tuple[Path, bool]]) -> Iterable[tuple[Path, bool, frozenset[str]]]:
    """Each practice file (a slug's `.md`) in name order, with its folder's file names (where a
    translation is looked for). Listed with `os.scandir`: every Today and skills page lists them,
    and path objects cost more than the listing."""
    for folder, from_clinic in folders:
        try:
            with os.scandir(folder) as listing:
                entries = sorted((e for e in listing if e.name.endswith(".md")), key=_entry_name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        names = frozenset(entry.name for entry in entries)
        for entry in entries:
            if SLUG_PATTERN.match(entry.name[:-3]) and entry.is_file():
                yield Path(entry.path), from_clinic, names


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def load_practices(
    clinic_slug: str | None = None, *, language: str | None = None
) -> list[Practice]:
    """Every practice for a clinic, in reading order, in `language` (the active one when None)
    where a file in that language exists. A broken file is logged and left out.

    Today and the skills pages ask on every visit. Listing the folders and reading every file's
    modification time was most of the cost, so it is done when a folder changed (a file added,
    removed or renamed: shown at once) and otherwise at most once every `RECHECK_SECONDS` per
    process, folders and language (a file edited in place: shown within that time). The list
    assembled from the same files at the same times is kept: practices are content, the same
    for everyone."""
    language = language or get_language()
    folders = tuple(practice_folders(clinic_slug))
    key = (folders, language)
    now = time.monotonic()
    seen = tuple(_mtime(folder) for folder, _from_clinic in folders)
    recent = _RECENT.get(key)
    if recent is None or recent[1] != seen or now - recent[0] >= RECHECK_SECONDS:
        if len(_RECENT) >= _RECENT_MAX:
            _RECENT.clear()
        recent = (now, seen, _assembled(tuple(_listing(folders, language)), language))
        _RECENT[key] = recent
    return list(recent[2])


RECHECK_SECONDS = 2.0
_RECENT_MAX = 256
# (folders, language) -> (when the files were last looked at, the folders' modification times
# then, the practices then).
_RECENT: dict[
    tuple[tuple[tuple[Path, bool], ...], str | None],
    tuple[float, tuple[int | None, ...], tuple[Practice, ...]],
] = {}


_Listed = tuple[Path, bool, frozenset[str], int | None, int | None]


def _listing(folders: Iterable[tuple[Path, bool]], language: str | None) -> Iterable[_Listed]:
    """Each practice file with its folder's names and the modification times of the file and of
    its translation in `language` (None where there is none or it cannot be read)."""
    for path, from_clinic, names in _files(folders):
        translated = language_file(path, language, names=names)
        yield path, from_clinic, names, _mtime(path), _mtime(translated) if translated else None


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


@functools.lru_cache(maxsize=64)
def _assembled(listed: tuple[_Listed, ...], language: str | None) -> tuple[Practice, ...]:
    found: dict[str, tuple[Practice, Practice]] = {}
    for path, from_clinic, names, _file_time, _translation_time in listed:
        try:
            found[path.stem] = _read_in(path, from_clinic, language, names)
        except (PracticeFileError, OSError, UnicodeDecodeError) as error:
            logger.warning("Practice file left out: %s (%s)", path, error)
    ordered = sorted(found.values(), key=lambda pair: (pair[0].order, pair[0].title.lower()))
    return tuple(shown for _english, shown in ordered)


def get_practice(
    slug: str, clinic_slug: str | None = None, *, language: str | None = None
) -> Practice | None:
    practices = load_practices(clinic_slug, language=language)
    return next((p for p in practices if p.slug == slug), None)
