"""CSV cells that a spreadsheet will show as text, never run as a formula.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula (or becomes one)
in Excel, LibreOffice and Google Sheets: `=HYPERLINK(...)` from a form field or a forged header
would be live in the clinic's spreadsheet. OWASP's advice: prefix such a cell with a single quote.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` itself, or, for text that a spreadsheet would read as a formula, `'` + the text.

    Numbers stay numbers (a negative number is data, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class _SafeWriter:
    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self._writer.writerow(safe_row(row))


def writer(out: Any, **options: Any) -> _SafeWriter:
    """`csv.writer(out, **options)` whose every cell goes through `safe_cell`.

    Every CSV taperwell writes (audit log, the patient's export, the research export) uses it.
    """
    return _SafeWriter(out, **options)
