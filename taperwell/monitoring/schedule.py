"""What is due: pure date arithmetic for the monitoring a prescriber documents.

No Django here. `due_item` answers, for one kind of monitoring, when it is next due and whether it
is overdue, due soon, up to date or not needed; `load_policy` reads the cited defaults from
`data/policy.toml`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from taperwell.clinical.formulary import load_sources

POLICY_PATH = Path(__file__).parent / "data" / "policy.toml"
KINDS = ("pdmp", "udt", "agreement", "naloxone")


class DueState(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    UP_TO_DATE = "up-to-date"
    NOT_NEEDED = "not-needed"


@dataclass(frozen=True)
class ItemPolicy:
    kind: str
    every_days: int
    source: str
    note: str
    required_at: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    items: dict[str, ItemPolicy]
    soon_days: int

    def every(self, kind: str) -> int:
        return self.items[kind].every_days


@dataclass(frozen=True)
class DueItem:
    kind: str
    state: DueState
    last_done: date | None
    due_on: date | None  # None when the item is not needed
    days_overdue: int  # 0 unless overdue

    @property
    def needs_action(self) -> bool:
        return self.state in (DueState.OVERDUE, DueState.DUE_SOON)


class PolicyError(ValueError):
    """The policy file is malformed or cites a source that does not exist."""


def load_policy(path: Path = POLICY_PATH) -> Policy:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = load_sources()
    items: dict[str, ItemPolicy] = {}
    for kind in KINDS:
        entry = raw.get("item", {}).get(kind)
        if not isinstance(entry, dict):
            raise PolicyError(f"{path.name}: no [item.{kind}]")
        _check_cited(f"item.{kind}", entry, sources)
        every = entry.get("every_days")
        if not isinstance(every, int) or every < 1:
            raise PolicyError(f"{path.name}: item.{kind}.every_days must be a whole number of days")
        items[kind] = ItemPolicy(
            kind=kind,
            every_days=every,
            source=str(entry["source"]),
            note=str(entry["note"]),
            required_at=tuple(str(t) for t in entry.get("required_at", ())),
        )
    soon = raw.get("soon", {})
    _check_cited("soon", soon, sources)
    return Policy(items=items, soon_days=int(soon["days"]))


def _check_cited(where: str, entry: dict[str, object], sources: dict[str, str]) -> None:
    source, note = entry.get("source"), entry.get("note")
    if not isinstance(note, str) or not note.strip():
        raise PolicyError(f"{where} needs a note saying where its number comes from")
    if source == "none":
        if "no source" not in note.lower():
            raise PolicyError(f"{where}: a number without a source must say so in its note")
    elif source not in sources:
        raise PolicyError(f"{where} cites {source!r}, which is not in sources.toml")


def due_item(
    kind: str,
    *,
    last_done: date | None,
    every_days: int,
    starts_on: date,
    today: date,
    soon_days: int,
    required: bool = True,
    due_by: date | None = None,
) -> DueItem:
    """When `kind` is next due, and how that stands today.

    Never done: due from `starts_on` (the start of care with the clinic). Done: due `every_days`
    after the last time, or on `due_by` when the record itself gives a date (an agreement's
    renewal date). Not required (no opioids; no state tier reached): not needed.
    """
    if not required:
        return DueItem(kind, DueState.NOT_NEEDED, last_done, None, 0)
    if last_done is None:
        due_on = starts_on
    elif due_by is not None:
        due_on = due_by
    else:
        due_on = last_done + timedelta(days=every_days)
    if today > due_on:
        return DueItem(kind, DueState.OVERDUE, last_done, due_on, (today - due_on).days)
    if last_done is None or (due_on - today).days <= soon_days:
        return DueItem(kind, DueState.DUE_SOON, last_done, due_on, 0)
    return DueItem(kind, DueState.UP_TO_DATE, last_done, due_on, 0)
