"""Questionnaires as data (`data/instruments/<id>.toml`) and one scoring function.

An instrument file holds its items, answer options, scoring rule (`sum` or `mean`), bands,
flags (e.g. PHQ-9 item 9 above 0 → `suicide-risk`), licence note and source. A clinic can add a
licensed instrument by adding a file in the same format.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from taperwell.clinical.formulary import DATA_DIR, DataError, check_source, read_toml

INSTRUMENTS_DIR = DATA_DIR / "instruments"
SCORINGS = ("sum", "mean")
MEAN_PLACES = Decimal("0.01")


class InvalidAnswers(ValueError):  # noqa: N818 - name fixed by the shared API
    """Answers that do not fit the instrument: wrong count, out of range, or missing variant."""


class UnknownInstrumentError(LookupError):
    pass


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    options: tuple[Option, ...]
    scored: bool = True
    anchors: tuple[str, ...] = ()
    weights: Mapping[str, int] | None = None  # per variant (ORT: by sex); answer 1 scores this

    @property
    def values(self) -> frozenset[int]:
        return frozenset(o.value for o in self.options)


@dataclass(frozen=True)
class Band:
    min: Decimal
    max: Decimal | None
    label: str

    def contains(self, total: Decimal) -> bool:
        return self.min <= total and (self.max is None or total <= self.max)


@dataclass(frozen=True)
class FlagRule:
    item: int
    above: int
    flag: str


@dataclass(frozen=True)
class LanguageNote:
    """What a reader of another language is shown, from the file's `[languages.<code>]` table.

    Only official translations of a validated instrument may be used. Until one is in the file,
    word for word, the English instrument is shown (`shown = "english"`) with `note`, written in
    that language; `official` names the official translation if one exists, and `why` says why
    it is not shown.
    """

    language: str
    shown: str
    note: str
    official: str
    why: str
    source: str | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    version: str
    source: str
    licence: str
    instructions: str
    scoring: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    flags: tuple[FlagRule, ...]
    variants: tuple[str, ...] = ()
    note: str | None = None
    verify: str | None = None
    languages: tuple[LanguageNote, ...] = ()

    def language_note(self, language: str | None) -> LanguageNote | None:
        """The note for a reader of `language` ("es", "es-mx"), or None (English, or unknown)."""
        code = (language or "").lower().split("-")[0]
        return next((n for n in self.languages if n.language == code), None)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    @property
    def options(self) -> tuple[Option, ...]:
        """The options shared by the scored items (empty when items differ, as in COWS)."""
        sets = {item.options for item in self.scored_items}
        return next(iter(sets)) if len(sets) == 1 else ()

    def max_total(self, variant: str | None = None) -> Decimal:
        if self.variants:
            if variant not in self.variants:
                raise InvalidAnswers(f"{self.id}: choose one of {', '.join(self.variants)}")
            return Decimal(sum((i.weights or {}).get(variant, 0) for i in self.scored_items))
        tops = [Decimal(max(i.values)) for i in self.scored_items]
        total = sum(tops, Decimal(0))
        return total / len(tops) if self.scoring == "mean" else total

    def band_for(self, total: Decimal) -> str | None:
        return next((band.label for band in self.bands if band.contains(total)), None)


@dataclass(frozen=True)
class Score:
    instrument: str
    total: Decimal
    band: str | None
    flags: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        whole = self.total == self.total.to_integral_value()
        return {
            "instrument": self.instrument,
            "total": int(self.total) if whole else float(self.total),
            "band": self.band,
            "flags": list(self.flags),
        }


def instrument_ids() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in INSTRUMENTS_DIR.glob("*.toml")))


def normalise_id(instrument_id: str) -> str:
    return instrument_id.strip().lower().replace("-", "").replace("_", "").replace(" ", "")


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument with this id (`phq9`, `PHQ-9` and `phq_9` are the same)."""
    return _load(normalise_id(instrument_id))


@functools.cache  # the instruments are fixed for the life of the process
def highest_total(instrument_id: str) -> int:
    """The highest total an instrument can give, from its items (PEG 10, PHQ-9 27, GAD-7 21,
    SOWS 64): the top of every chart and "out of" that shows it."""
    return int(get_instrument(instrument_id).max_total())


@functools.cache
def _load(key: str) -> Instrument:
    path = INSTRUMENTS_DIR / f"{key}.toml"
    if not key.isalnum() or not path.is_file():
        raise UnknownInstrumentError(
            f"unknown instrument {key!r} (available: {', '.join(instrument_ids())})"
        )
    return parse_instrument(read_toml(path), where=path.name)


def load_all() -> tuple[Instrument, ...]:
    return tuple(get_instrument(i) for i in instrument_ids())


def score(
    instrument: str, answers: Sequence[int | float | Decimal], *, sex: str | None = None
) -> Score:
    """Score one completed questionnaire.

    `answers` are in item order: either the scored items only, or every item (unscored ones,
    like PHQ-9's difficulty question, are checked and then left out of the total). ORT answers
    are 0 (no) or 1 (yes) and need `sex` ("female" or "male").
    """
    spec = get_instrument(instrument)
    items = _items_answered(spec, answers)
    values = [_answer_value(spec, item, a) for item, a in zip(items, answers, strict=True)]
    scored = [(item, value) for item, value in zip(items, values, strict=True) if item.scored]
    if spec.variants:
        if sex is None or sex.strip().lower() not in spec.variants:
            raise InvalidAnswers(
                f"{spec.id}: weights differ by sex; give sex as {' or '.join(spec.variants)}"
            )
        variant = sex.strip().lower()
        total = Decimal(sum(value * (item.weights or {})[variant] for item, value in scored))
    else:
        total = Decimal(sum(value for _, value in scored))
        if spec.scoring == "mean":
            total = (total / len(scored)).quantize(MEAN_PLACES, rounding=ROUND_HALF_UP)
            # A whole mean reads as 7, not 7.00 (and 10, not the 1E+1 normalize() gives).
            total = total.quantize(Decimal(1)) if total == total.to_integral_value() else total
    by_number = dict(zip((item.number for item in items), values, strict=True))
    flags = tuple(
        dict.fromkeys(rule.flag for rule in spec.flags if by_number.get(rule.item, 0) > rule.above)
    )
    return Score(instrument=spec.id, total=total, band=spec.band_for(total), flags=flags)


def _items_answered(spec: Instrument, answers: Sequence[Any]) -> tuple[Item, ...]:
    if isinstance(answers, str | bytes):
        raise InvalidAnswers(f"{spec.id}: answers must be a list of numbers")
    scored = spec.scored_items
    if len(answers) == len(scored):
        return scored
    if len(answers) == len(spec.items):
        return spec.items
    counts = str(len(scored))
    if len(spec.items) != len(scored):
        counts += f" (or {len(spec.items)} with the unscored item)"
    raise InvalidAnswers(f"{spec.id} needs {counts} answers, got {len(answers)}")


def _answer_value(spec: Instrument, item: Item, answer: Any) -> int:
    where = f"{spec.id} item {item.number}"
    if isinstance(answer, bool) or not isinstance(answer, int | float | Decimal):
        raise InvalidAnswers(f"{where}: answer must be a number, got {answer!r}")
    number = Decimal(str(answer)) if isinstance(answer, float) else Decimal(answer)
    if not number.is_finite() or number != number.to_integral_value():
        raise InvalidAnswers(f"{where}: answer must be a whole number, got {answer!r}")
    value = int(number)
    if value not in item.values:
        allowed = ", ".join(str(v) for v in sorted(item.values))
        raise InvalidAnswers(f"{where}: answer {value} is not one of {allowed}")
    return value


def parse_instrument(document: Mapping[str, Any], *, where: str) -> Instrument:
    """Build and check an instrument from its TOML document; raise DataError if bad."""
    scoring = _text(document.get("scoring"), f"{where}.scoring")
    if scoring not in SCORINGS:
        raise DataError(f"{where}.scoring must be one of {', '.join(SCORINGS)}")
    variants = tuple(_text(v, f"{where}.variants") for v in document.get("variants", []))
    default_options = _options(document.get("options"), f"{where}.options", required=False)
    raw_items = document.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        raise DataError(f"{where}: missing [[item]] entries")
    items = []
    for number, raw in enumerate(raw_items, start=1):
        here = f"{where}: item {number}"
        options = _options(raw.get("options"), f"{here}.options", required=False)
        options = options or default_options
        if not options:
            raise DataError(f"{here}: no answer options (give options here or for the file)")
        weights = raw.get("weights")
        if variants:
            if not isinstance(weights, dict) or set(weights) != set(variants):
                raise DataError(f"{here}: weights needed for {', '.join(variants)}")
            if any(type(w) is not int or w < 0 for w in weights.values()):
                raise DataError(f"{here}: weights must be whole numbers, 0 or more")
        elif weights is not None:
            raise DataError(f"{here}: weights only make sense with variants")
        items.append(
            Item(
                number=number,
                text=_text(raw.get("text"), f"{here}.text"),
                options=options,
                scored=bool(raw.get("scored", True)),
                anchors=tuple(_text(a, f"{here}.anchors") for a in raw.get("anchors", [])),
                weights=dict(weights) if weights is not None else None,
            )
        )
    bands = tuple(
        Band(
            min=_decimal(raw.get("min"), f"{where}.bands.min"),
            max=None if raw.get("max") is None else _decimal(raw["max"], f"{where}.bands.max"),
            label=_text(raw.get("label"), f"{where}.bands.label"),
        )
        for raw in document.get("bands", [])
    )
    _check_bands(bands, where)
    flags = tuple(
        FlagRule(
            item=int(raw.get("item", 0)),
            above=int(raw.get("above", 0)),
            flag=_text(raw.get("flag"), f"{where}.flags.flag"),
        )
        for raw in document.get("flags", [])
    )
    for rule in flags:
        if not 1 <= rule.item <= len(items):
            raise DataError(f"{where}: flag {rule.flag!r} names item {rule.item}, which is absent")
    instrument_id = _text(document.get("id"), f"{where}.id")
    if Path(where).stem not in {instrument_id, where}:
        raise DataError(f"{where}: id {instrument_id!r} must match the file name")
    return Instrument(
        id=instrument_id,
        name=_text(document.get("name"), f"{where}.name"),
        version=_text(document.get("version"), f"{where}.version"),
        source=check_source(document.get("source"), where),
        licence=_text(document.get("licence"), f"{where}.licence"),
        instructions=_text(document.get("instructions"), f"{where}.instructions"),
        scoring=scoring,
        items=tuple(items),
        bands=bands,
        flags=flags,
        variants=variants,
        note=None if document.get("note") is None else _text(document["note"], f"{where}.note"),
        verify=(
            None if document.get("verify") is None else _text(document["verify"], f"{where}.verify")
        ),
        languages=_languages(document.get("languages"), where),
    )


def _languages(value: Any, where: str) -> tuple[LanguageNote, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise DataError(f"{where}.languages must be a table of language codes")
    notes = []
    for code, raw in value.items():
        here = f"{where}.languages.{code}"
        if not isinstance(raw, dict):
            raise DataError(f"{here} must be a table")
        shown = _text(raw.get("shown"), f"{here}.shown")
        if shown != "english":
            # A translated instrument would need every item and option in the file, word for
            # word from its official version; none is in a file yet, so none is accepted.
            raise DataError(f'{here}.shown: only "english" (with a note) is supported')
        source = raw.get("source")
        notes.append(
            LanguageNote(
                language=str(code),
                shown=shown,
                note=_text(raw.get("note"), f"{here}.note"),
                official=_text(raw.get("official"), f"{here}.official"),
                why=_text(raw.get("why"), f"{here}.why"),
                source=None if source is None else check_source(source, here),
            )
        )
    return tuple(notes)


def _options(value: Any, where: str, *, required: bool) -> tuple[Option, ...]:
    if value is None:
        if required:
            raise DataError(f"{where}: missing")
        return ()
    if not isinstance(value, list) or not value:
        raise DataError(f"{where} must be a list of {{ value, label }} tables")
    options = []
    for raw in value:
        option_value = raw.get("value") if isinstance(raw, dict) else None
        if isinstance(option_value, bool) or not isinstance(option_value, int) or option_value < 0:
            raise DataError(f"{where}: each option needs a whole-number value, 0 or more")
        label = raw.get("label", str(option_value))
        options.append(Option(value=option_value, label=_text(label, f"{where}.label")))
    if len({o.value for o in options}) != len(options):
        raise DataError(f"{where}: option values repeat")
    return tuple(options)


def _check_bands(bands: tuple[Band, ...], where: str) -> None:
    previous: Band | None = None
    for band in bands:
        if band.max is not None and band.max < band.min:
            raise DataError(f"{where}: band {band.label!r} ends before it starts")
        if previous is not None and (previous.max is None or band.min <= previous.max):
            raise DataError(f"{where}: bands {previous.label!r} and {band.label!r} overlap")
        previous = band


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{where} is missing or not text")
    return value


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise DataError(f"{where} must be a number")
    return Decimal(value)
