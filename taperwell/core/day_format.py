"""Calendar days written as `django.utils.formats.date_format` writes them, quickly.

`date_format` looks the format up in every locale module and then splits it with a regular
expression on every call; a plan of fifteen weekly steps, or Progress's weeks of rows, wrote a
date that way each time. Here a format (a translated word such as "M j, Y") is split once per
process and language into its pieces, with the month and weekday names of that language worded
once by Django itself; each day then only joins numbers and names. A format with any other
letter (a time, a week number) goes to `date_format` itself. No date is kept, only the calendar's
words. `tests/patient/test_my_medicines_html.py` and `tests/patient/test_progress_day_words.py`
compare the two.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date

from django.utils.dateformat import DateFormat
from django.utils.formats import FORMAT_SETTINGS, date_format
from django.utils.translation import get_language

# Django's own patterns (`django.utils.dateformat`): a format letter not escaped, an escape.
_LETTER = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")

# The letters that write a number of the day, as `DateFormat` writes them.
_NUMBERS: dict[str, Callable[[date], str]] = {
    "d": lambda day: f"{day.day:02}",
    "j": lambda day: str(day.day),
    "m": lambda day: f"{day.month:02}",
    "n": lambda day: str(day.month),
    "Y": lambda day: f"{day.year:04d}",
    "y": lambda day: f"{day.year:04d}"[2:],
}
# The letters that word a month or a weekday: each name worded once per language by Django.
_MONTH_NAMES = frozenset("bEFMN")
_WEEKDAY_NAMES = frozenset("Dl")

Piece = str | Callable[[date], str]


def day_format(day: date, format_string: str) -> str:
    """`date_format(day, format_string)`, for a format of literal text and day letters."""
    pieces = _pieces(str(format_string), get_language())
    if pieces is None:
        return date_format(day, format_string)
    return "".join([piece if isinstance(piece, str) else piece(day) for piece in pieces])


def day_writer(format_string: str) -> Callable[[date], str]:
    """`day_format` with `format_string` as a function of the day, for many days in the active
    language: the format's pieces looked up once, not on every day."""
    pieces = _pieces(str(format_string), get_language())
    if pieces is None:
        return functools.partial(_date_format, format_string=format_string)
    if all(isinstance(piece, str) for piece in pieces):
        text = "".join(pieces)  # type: ignore[arg-type]
        return lambda _day: text
    return functools.partial(_joined, pieces=pieces)


def _date_format(day: date, *, format_string: str) -> str:
    return date_format(day, format_string)


def _joined(day: date, *, pieces: tuple[Piece, ...]) -> str:
    return "".join([piece if isinstance(piece, str) else piece(day) for piece in pieces])


@functools.lru_cache(maxsize=128)
def _pieces(format_string: str, language: str | None) -> tuple[Piece, ...] | None:
    """The format's literal text and writers in order, in the active language (`language` keys
    the names), or None when a letter is not a calendar day's."""
    if format_string in FORMAT_SETTINGS:
        return None
    pieces: list[Piece] = []
    for index, piece in enumerate(_LETTER.split(format_string)):
        if index % 2:
            if piece in _NUMBERS:
                pieces.append(_NUMBERS[piece])
            elif piece in _MONTH_NAMES:
                months = [_named(date(2000, month, 1), piece) for month in range(1, 13)]
                pieces.append(functools.partial(_month_name, names=tuple(months)))
            elif piece in _WEEKDAY_NAMES:
                # 2001-01-01 was a Monday: weekday() 0 to 6.
                weekdays = [_named(date(2001, 1, 1 + n), piece) for n in range(7)]
                pieces.append(functools.partial(_weekday_name, names=tuple(weekdays)))
            else:
                return None
        elif piece:
            pieces.append(_ESCAPED.sub(r"\1", piece))
    return tuple(pieces)


def _named(day: date, letter: str) -> str:
    return str(getattr(DateFormat(day), letter)())


def _month_name(day: date, *, names: tuple[str, ...]) -> str:
    return names[day.month - 1]


def _weekday_name(day: date, *, names: tuple[str, ...]) -> str:
    return names[day.weekday()]
