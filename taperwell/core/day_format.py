"""Calendar days written as `django.utils.formats.date_format` writes them, quickly.

`date_format` looks the format up in every locale module and then splits it with a regular
expression on every call. A plan of fifteen weekly steps wrote fifteen dates that way, a large
part of My medicines. Here a format (a translated word such as "M j, Y") is split once per
process into its pieces; each day then only joins numbers and the month's or weekday's name in
the active language. A format with any other letter goes to `date_format` itself.
`tests/patient/test_page_speed.py` compares the two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache

from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import FORMAT_SETTINGS, date_format

# Django's own patterns (`django.utils.dateformat`): a format letter not escaped, an escape.
_LETTER = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")

# What `DateFormat` writes for each letter a day's format uses.
_WRITE: dict[str, Callable[[date], str]] = {
    "d": lambda day: f"{day.day:02}",
    "D": lambda day: str(WEEKDAYS_ABBR[day.weekday()]),
    "F": lambda day: str(MONTHS[day.month]),
    "j": lambda day: str(day.day),
    "l": lambda day: str(WEEKDAYS[day.weekday()]),
    "m": lambda day: f"{day.month:02}",
    "M": lambda day: str(MONTHS_3[day.month]).title(),
    "n": lambda day: str(day.month),
    "Y": lambda day: f"{day.year:04d}",
    "y": lambda day: f"{day.year:04d}"[2:],
}


@lru_cache(maxsize=64)
def _pieces(format_string: str) -> tuple[str | Callable[[date], str], ...] | None:
    """The format's literal text and writers in order, or None when a letter is not a day's."""
    if format_string in FORMAT_SETTINGS:
        return None
    pieces: list[str | Callable[[date], str]] = []
    for index, piece in enumerate(_LETTER.split(format_string)):
        if index % 2:
            if piece not in _WRITE:
                return None
            pieces.append(_WRITE[piece])
        elif piece:
            pieces.append(_ESCAPED.sub(r"\1", piece))
    return tuple(pieces)


def day_format(day: date, format_string: str) -> str:
    """`date_format(day, format_string)`, for a format of literal text and day letters."""
    pieces = _pieces(str(format_string))
    if pieces is None:
        return date_format(day, format_string)
    return "".join(piece if isinstance(piece, str) else piece(day) for piece in pieces)
