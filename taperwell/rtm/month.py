"""The remote-monitoring month: pure counting rules, no Django.

`thresholds_reached` says which of the cited thresholds (data/thresholds.toml) a patient's month
reaches; `month_bounds` gives the calendar month's first and last day.
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from taperwell.clinical.formulary import load_sources

THRESHOLDS_PATH = Path(__file__).parent / "data" / "thresholds.toml"
MEASURES = ("data_days", "minutes")


@dataclass(frozen=True)
class MonthCounts:
    data_days: int
    minutes: int
    calls: int
    exchanges: int


@dataclass(frozen=True)
class Threshold:
    id: str
    label: str
    measure: str
    at_least: int
    at_most: int | None
    needs_interactive: bool
    codes: str
    source: str
    verify: str


@dataclass(frozen=True)
class Rules:
    thresholds: tuple[Threshold, ...]
    interactive_counts: tuple[str, ...]  # "call", "message-exchange"
    interactive_note: str


class ThresholdError(ValueError):
    """The thresholds file is malformed or cites an unknown source."""


def load_rules(path: Path = THRESHOLDS_PATH) -> Rules:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = load_sources()
    rows = []
    for entry in raw.get("threshold", []):
        where = f"threshold {entry.get('id')!r}"
        if entry.get("source") not in sources:
            raise ThresholdError(f"{where} cites a source not in sources.toml")
        if entry.get("measure") not in MEASURES:
            raise ThresholdError(f"{where}: measure must be one of {MEASURES}")
        if not str(entry.get("verify", "")).strip():
            raise ThresholdError(f"{where}: a billing code reference must say what to verify")
        rows.append(
            Threshold(
                id=str(entry["id"]),
                label=str(entry["label"]),
                measure=str(entry["measure"]),
                at_least=int(entry["at_least"]),
                at_most=int(entry["at_most"]) if "at_most" in entry else None,
                needs_interactive=bool(entry.get("needs_interactive", False)),
                codes=str(entry["codes"]),
                source=str(entry["source"]),
                verify=str(entry["verify"]),
            )
        )
    interactive = raw.get("interactive", {})
    if interactive.get("source") not in sources:
        raise ThresholdError("[interactive] cites a source not in sources.toml")
    counts = tuple(str(c) for c in interactive.get("counts", ()))
    if not set(counts) <= {"call", "message-exchange"}:
        raise ThresholdError("[interactive] counts only 'call' and 'message-exchange'")
    return Rules(tuple(rows), counts, str(interactive.get("note", "")))


def interactive_count(counts: MonthCounts, rules: Rules) -> int:
    return ("call" in rules.interactive_counts) * counts.calls + (
        "message-exchange" in rules.interactive_counts
    ) * counts.exchanges


def thresholds_reached(counts: MonthCounts, rules: Rules) -> list[Threshold]:
    """The thresholds this month's counts fall within, in the file's order."""
    reached = []
    for threshold in rules.thresholds:
        value = counts.data_days if threshold.measure == "data_days" else counts.minutes
        if value < threshold.at_least:
            continue
        if threshold.at_most is not None and value > threshold.at_most:
            continue
        if threshold.needs_interactive and interactive_count(counts, rules) < 1:
            continue
        reached.append(threshold)
    return reached


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str | None, *, today: date) -> tuple[int, int]:
    """'2026-11' to (2026, 11); anything else (or nothing) is this month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        date(year, month, 1)
    except (ValueError, TypeError):
        return today.year, today.month
    return year, month
