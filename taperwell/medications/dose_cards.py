"""Dose cards: the dose of record laid out by time of day, with what the patient marked taken.

Everything here is read from `selectors.dose_of_record` (and `step_lines` for the plan's next
step), never from a second source: a card shows exactly the dose every other page shows.

- `dose_cards(record, log=...)` gives a `DoseCard` per scheduled time (morning, afternoon,
  evening, bedtime: the words of `clinical.taper_text.part_of_day`, so the card, the step's text
  and the calendar agree) and an `AsNeededCard` per as-needed line.
- `day_log(patient, day)` is the one query for the day's marks (Today adds only this one).
- `next_change(record, steps)` is the plan's next step in one line: "From Dec 30: evening
  25 → 20 mg".
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from taperwell.clinical.taper_text import part_of_day
from taperwell.core.clock import clock
from taperwell.core.prepared import Prepared
from taperwell.medications.models import DoseLog, DoseSlot
from taperwell.medications.selectors import DoseLine, DoseOfRecord, DoseUnit, step_lines
from taperwell.tapering.schedule import step_from_document

if TYPE_CHECKING:
    from datetime import time as time_of_day

    from taperwell.medications.models import PatientMedication
    from taperwell.patients.models import Patient

TIMES = "\u00d7"  # the multiplication sign, as in "20 mg x 1" on a card
MAX_DRAWN = 6  # more tablets than this at one time are written, not drawn


def line_key(line: DoseLine) -> str:
    """What identifies a line from one day to the next (a plan line has no row of its own)."""
    kind = "as-needed" if line.as_needed else "scheduled"
    return "|".join((line.drug, line.release, line.form, kind)).casefold()


def slot_of(time_text: str) -> str:
    return str(DoseSlot(part_of_day(time_text)))


def kind_of(line: DoseLine) -> str:
    """How a line is drawn: tablet, patch or liquid (anything else is described only)."""
    form = (line.form or "").casefold()
    if line.wear_hours or "patch" in form or line.unit.strip() in {"mcg/h", "mcg/hr"}:
        return "patch"
    if any(word in form for word in ("solution", "liquid", "syrup", "suspension")):
        return "liquid"
    if any(word in form for word in ("tablet", "capsule", "pill")) or not form:
        return "tablet"
    return "other"


def _n(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return {"0.5": "½", "1.5": "1½", "2.5": "2½"}.get(text, text)


def _svg(css: str, body: str) -> str:
    return (
        f'<svg class="dose-svg {css}" viewBox="0 0 32 32" width="32" height="32" '
        f'focusable="false">{body}</svg>'
    )


# The decorative drawings (aria-hidden by the card), written once here rather than by a
# template included for every tablet of every card.
PATCH_SVG = _svg(
    "patch",
    '<rect class="patch-body" x="3" y="3" width="26" height="26" rx="6"/>'
    '<circle class="patch-center" cx="16" cy="16" r="6"/>',
)
LIQUID_SVG = _svg(
    "liquid",
    '<path class="cup" d="M7 5 H25 L22 28 H10 Z"/>'
    '<path class="cup-fill" d="M8.6 15 H23.4 L22 28 H10 Z"/>',
)
HALF_BODY = '<path class="pill-body" d="M5 18 A11 11 0 0 1 27 18 Z"/>'
PILL_BODIES = (
    '<circle class="pill-body" cx="16" cy="16" r="8"/>',
    '<circle class="pill-body" cx="16" cy="16" r="12"/><path class="pill-score" d="M6 16 H26"/>',
    '<ellipse class="pill-body" cx="16" cy="16" rx="14" ry="8.5"/>',
    '<rect class="pill-body" x="2" y="9" width="28" height="14" rx="7"/>'
    '<path class="pill-score" d="M16 9 V23"/>',
)


@dataclass(frozen=True)
class Drawing:
    """One tablet (or patch, or measure of liquid) to draw; `shape` 0-3 by the strength's rank
    within its line, so two strengths of one medicine never look alike."""

    kind: str
    shape: int
    half: bool = False

    @property
    def svg(self) -> str:
        """The drawing's markup: constant strings only, nothing from a person's data."""
        if self.kind == "patch":
            markup = PATCH_SVG
        elif self.kind == "liquid":
            markup = LIQUID_SVG
        elif self.half:
            markup = _svg(f"pill s{self.shape}", HALF_BODY)
        else:
            shape = min(max(self.shape, 0), 3)
            markup = _svg(f"pill s{shape}", PILL_BODIES[shape])
        return mark_safe(markup)  # noqa: S308  constant markup above


@dataclass(frozen=True)
class CardItem:
    line_key: str
    drug: str
    product: str  # "oxycodone ER tablet"
    kind: str
    unit: str
    amount: Decimal
    units: tuple[DoseUnit, ...]
    wear_hours: int | None = None
    strength_unit: str = ""  # "mg/mL" for a solution; `unit` stays the unit of `amount`

    @property
    def parts(self) -> list[dict[str, Any]]:
        """Each strength with its count and its drawings, for the template."""
        strengths = sorted({u.strength for u in self.units})
        rows = []
        for unit in self.units:
            shape = min(strengths.index(unit.strength), 3)
            whole = int(unit.count)
            drawings = [Drawing(self.kind, shape) for _ in range(min(whole, MAX_DRAWN))]
            if unit.count != whole:
                drawings.append(Drawing(self.kind, shape, half=True))
            rows.append(
                {
                    "strength": _n(unit.strength),
                    "count": _n(unit.count),
                    "drawings": drawings if whole <= MAX_DRAWN else drawings[:1],
                    "text": self._unit_text(unit),
                }
            )
        return rows

    def _unit_text(self, unit: DoseUnit) -> str:
        strength_unit = self.strength_unit or self.unit
        if self.kind == "liquid":
            return gettext("%(ml)s mL of %(strength)s %(unit)s") % {
                "ml": _n(unit.count),
                "strength": _n(unit.strength),
                "unit": strength_unit,
            }
        return f"{_n(unit.strength)} {strength_unit} {TIMES} {_n(unit.count)}"

    @property
    def dose_text(self) -> str:
        """What is taken at this time: "15 mg x 1 + 10 mg x 1" (with a multiplication sign)."""
        return " + ".join(self._unit_text(u) for u in self.units)

    @property
    def patch_words(self) -> str:
        if not self.wear_hours:
            return ""
        days = self.wear_hours // 24
        return f"A new patch every {days} days." if self.wear_hours % 24 == 0 else ""


@dataclass
class DoseCard:
    """One time of day: what to take, and the marks of the day (rows not undone)."""

    time: str  # "08:00"
    slot: str
    label: str  # "Morning", or "Morning (08:00)" when two times share a part of the day
    items: list[CardItem]
    taken: list[DoseLog] = field(default_factory=list)
    fresh_key: uuid.UUID = field(default_factory=uuid.uuid4)  # the one-time key of its form

    @property
    def clock(self) -> time_of_day:  # `time` here would name the field above
        hours, minutes = (int(part) for part in self.time.split(":"))
        return time(hours, minutes)

    @property
    def is_taken(self) -> bool:
        keys = {item.line_key for item in self.items}
        return bool(keys) and keys <= {row.line_key for row in self.taken}

    @property
    def taken_at(self) -> datetime | None:
        return max((row.taken_at for row in self.taken), default=None)

    @property
    def undo_key(self) -> uuid.UUID | None:
        return self.taken[-1].idempotency_key if self.taken else None

    @property
    def dom_id(self) -> str:
        return "dose-" + self.time.replace(":", "")

    @property
    def only_patches(self) -> bool:
        return all(item.kind == "patch" for item in self.items)


@dataclass
class AsNeededCard:
    line_key: str
    drug: str
    product: str
    kind: str
    unit: str
    strength: Decimal | None
    most: int | None
    taken: list[DoseLog] = field(default_factory=list)
    fresh_key: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def strength_text(self) -> str:
        return "" if self.strength is None else f"{_n(self.strength)} {self.unit}"

    @property
    def dom_id(self) -> str:
        return "dose-prn-" + uuid.uuid5(uuid.NAMESPACE_URL, self.line_key).hex[:8]

    @property
    def drawing(self) -> Drawing:
        return Drawing(self.kind, 0)

    @property
    def count(self) -> int:
        return len(self.taken)

    @property
    def at_most(self) -> bool:
        return self.most is not None and self.count >= self.most

    @property
    def undo_key(self) -> uuid.UUID | None:
        return self.taken[-1].idempotency_key if self.taken else None


def _by_product(
    line: DoseLine, units: tuple[DoseUnit, ...]
) -> dict[DoseLine, tuple[DoseUnit, ...]]:
    """The units of one time grouped by the product they are: the line's own, or another
    product of the same medicine named on the unit (its release, form and unit)."""
    groups: dict[tuple[str, str, str], list[DoseUnit]] = {}
    for unit in units:
        groups.setdefault((unit.release, unit.form, unit.unit), []).append(unit)
    found: dict[DoseLine, tuple[DoseUnit, ...]] = {}
    for (release, form, unit_name), members in groups.items():
        product = line
        if release or form or unit_name:
            product = replace(
                line,
                release=release or line.release,
                form=form or line.form,
                unit=unit_name or line.unit,
                wear_hours=None,
            )
        found[product] = tuple(members)
    return found


def _product_key(line: DoseLine, product: DoseLine) -> str:
    if product is line:
        return line_key(line)
    return f"{line_key(line)}|{product.release} {product.form}".casefold()


def scheduled_items(record: DoseOfRecord) -> dict[str, list[CardItem]]:
    """The record's scheduled doses grouped by time ("08:00" → items), times in order."""
    by_time: dict[str, list[CardItem]] = {}
    for line in record.lines:
        if line.as_needed or line.stopped:
            continue
        for admin in line.administrations:
            if not admin.units or admin.amount <= 0:
                continue
            # A formulation change puts another product of the same medicine in the line
            # (oral solution beside ER tablets): each product gets its own item, so a
            # measure of liquid is never shown as tablets.
            for product, units in _by_product(line, admin.units).items():
                by_time.setdefault(admin.time, []).append(
                    CardItem(
                        # Each product its own key: tablets and solution at one time are two
                        # marks of the day, never one key recorded twice (nor the key of
                        # another plan line of that product).
                        line_key=_product_key(line, product),
                        drug=line.drug,
                        product=product.name,
                        kind=kind_of(product),
                        unit=line.unit,
                        amount=sum((u.strength * u.count for u in units), Decimal(0)),
                        units=units,
                        wear_hours=line.wear_hours if product is line else None,
                        strength_unit=product.unit,
                    )
                )
    return {t: by_time[t] for t in sorted(by_time)}


def as_needed_lines(record: DoseOfRecord) -> list[DoseLine]:
    """The as-needed lines still taken (a plan's last step stops one: it has no card)."""
    return [line for line in record.lines if line.as_needed and not line.stopped]


def _labels(times: Iterable[str]) -> dict[str, str]:
    times = list(times)
    slots = [slot_of(t) for t in times]
    names = _slot_names(get_language())
    return {
        t: (names[s] if slots.count(s) == 1 else f"{names[s]} ({clock(time.fromisoformat(t))})")
        for t, s in zip(times, slots, strict=True)
    }


@functools.cache  # per language: the catalogues are fixed for the life of the process
def _slot_names(language: str | None) -> dict[str, str]:
    """Each part of the day's name in one language, worded once per process and language."""
    return {str(slot): str(slot.label) for slot in DoseSlot}


def dose_cards(
    record: DoseOfRecord, *, log: Iterable[DoseLog] = ()
) -> tuple[list[DoseCard], list[AsNeededCard]]:
    """The cards for the record's day, with the day's marks (`log`: rows of that day)."""
    active = [row for row in log if row.undone_at is None]
    by_time = scheduled_items(record)
    labels = _labels(by_time)
    cards = []
    for when, items in by_time.items():
        keys = {item.line_key for item in items}
        taken = [row for row in active if row.time == when and row.line_key in keys]
        cards.append(DoseCard(when, slot_of(when), labels[when], items, taken))
    as_needed = []
    for line in as_needed_lines(record):
        key = line_key(line)
        as_needed.append(
            AsNeededCard(
                line_key=key,
                drug=line.drug,
                product=line.name,
                kind=kind_of(line),
                unit=line.unit,
                strength=line.as_needed_strength,
                most=line.as_needed_max_per_day,
                taken=[r for r in active if r.slot == DoseSlot.AS_NEEDED and r.line_key == key],
            )
        )
    return cards, as_needed


def day_log(patient: Patient, day: date) -> list[DoseLog]:
    """The day's marks, undone ones included (one query)."""
    return _DAY_LOG.rows(patient=patient.pk, day=day)


def _day_log_query(*, patient: int, day: date) -> QuerySet[DoseLog]:
    return DoseLog.objects.filter(patient_id=patient, day=day).order_by("taken_at", "pk")


# Compiled once per process (core.prepared): Today and My medicines read it on every visit.
_DAY_LOG = Prepared(_day_log_query, patient=int, day=date)


def taken_days(patient_ids: Iterable[int], first: date, last: date) -> set[tuple[int, date]]:
    """(patient id, day) of every day with a dose marked taken and not undone (one query)."""
    rows = DoseLog.objects.filter(
        patient_id__in=list(patient_ids), day__gte=first, day__lte=last, undone_at__isnull=True
    ).values_list("patient_id", "day")
    return set(rows.distinct())


def doses_taken_by_day(patient: Patient, first: date, last: date) -> dict[date, int]:
    """Doses marked taken each day (a time of day counts once, each as-needed dose once)."""
    rows = DoseLog.objects.filter(
        patient=patient, day__gte=first, day__lte=last, undone_at__isnull=True
    ).values_list("day", "time", "idempotency_key")
    marks: dict[date, set[tuple[str, Any]]] = {}
    for day, when, key in rows:
        # A scheduled time counts once however many medicines it holds; as needed, each tap.
        marks.setdefault(day, set()).add((when, None) if when else ("", key))
    return {day: len(found) for day, found in marks.items()}


# ---------------------------------------------------------------------------------------------
# The plan's next step in one line.


def _amounts(lines: Iterable[DoseLine]) -> dict[tuple[str, str], tuple[DoseLine, Decimal]]:
    found: dict[tuple[str, str], tuple[DoseLine, Decimal]] = {}
    for line in lines:
        if line.as_needed:
            most = Decimal(line.as_needed_max_per_day or 0)
            found[(line_key(line), "as needed")] = (line, most)
            continue
        for admin in line.administrations:
            found[(line_key(line), admin.time)] = (line, admin.amount)
    return found


def _same_medicine(listed: DoseLine, planned: DoseLine) -> bool:
    """Whether a medicine-list line is the one a plan line tapers. A part left blank on the list
    (no form, no release) matches any: an exact key missed it and read the dose before as 0."""

    def agree(a: str, b: str) -> bool:
        return not a or not b or a.casefold() == b.casefold()

    return (
        listed.drug.casefold() == planned.drug.casefold()
        and listed.as_needed == planned.as_needed
        and agree(listed.release, planned.release)
        and agree(listed.form, planned.form)
    )


def _listed_amounts(
    listed: Iterable[DoseLine], planned: tuple[DoseLine, ...]
) -> dict[tuple[str, str], tuple[DoseLine, Decimal]]:
    """Before the plan starts: the medicine list's amounts under the keys of the plan lines
    they become (two rows of one medicine at one time add up)."""
    found: dict[tuple[str, str], tuple[DoseLine, Decimal]] = {}
    for line in listed:
        match = next((p for p in planned if _same_medicine(line, p)), None)
        if match is None:
            continue
        for (_, when), (_, amount) in _amounts([line]).items():
            key = (line_key(match), when)
            found[key] = (match, found.get(key, (match, Decimal(0)))[1] + amount)
    return found


def next_change(record: DoseOfRecord, steps: dict[str, Any] | None) -> dict[str, Any] | None:
    """{"on": date, "changes": ["evening 25 → 20 mg", ...]} for the plan's next step, or None.

    Compares today's step (or, before the plan starts, today's dose of record) with the next
    step, line by line and time by time. None when there is no next step or the taper is paused
    (a paused plan's next date is not fixed).
    """
    if not steps or not steps.get("next") or steps.get("paused"):
        return None
    following = steps["next"]
    after = _amounts(step_lines(following))
    if steps.get("current"):
        before = _amounts(step_lines(steps["current"]))
    else:
        before = _listed_amounts(record.lines, step_lines(following))
    times = sorted({t for _, t in (*before, *after) if t != "as needed"})
    labels = {t: label.lower() for t, label in _labels(times).items()}
    changed = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[1] == "as needed", k[1], k[0])):
        line, old = before.get(key, (None, Decimal(0)))
        new_line, new = after.get(key, (None, Decimal(0)))
        shown = new_line or line
        if old != new and shown is not None:
            changed.append((key[1], shown, old, new))
    # The medicine's name only when the words could point at another one: two medicines change,
    # or another medicine is taken at a time that changes.
    at_times = {when for when, *_ in changed}
    names = {
        line.name for (_, when), (line, _) in (*before.items(), *after.items()) if when in at_times
    }
    named = len({shown.name for _, shown, *_ in changed} | names) > 1
    changes = []
    for when, shown, old, new in changed:
        name = f"{shown.name} " if named else ""
        if when == "as needed":
            changes.append(
                gettext("%(name)sas needed up to %(old)s → %(new)s a day")
                % {"name": name, "old": _n(old), "new": _n(new)}
            )
        else:
            changes.append(f"{labels[when]} {name}{_n(old)} → {_n(new)} {shown.unit}")
    return {"on": step_from_document(following).start, "changes": changes}


def cards_context(
    patient: Patient,
    *,
    record: DoseOfRecord,
    steps: dict[str, Any] | None,
    day: date,
    where: str = "today",
    medications: Iterable[PatientMedication] = (),
) -> dict[str, Any]:
    """What `medications/_dose_cards.html` needs (one query: the day's marks). `medications`,
    when given, are the active medicine-list rows; those not on the cards (medicines other than
    opioids) are listed under them."""
    cards, as_needed = dose_cards(record, log=day_log(patient, day))
    # The plan stands in for the prescriptions it replaced: never list those as a second dose.
    on_cards = {line.medication_id for line in record.lines if line.medication_id}
    on_cards |= {m.public_id for m in record.replaced}
    return {
        "cards": cards,
        "as_needed": as_needed,
        "next_change": next_change(record, steps),
        "paused": bool(steps and steps.get("paused")),
        "where": where,
        "day": day,
        "others": [m for m in medications if m.public_id not in on_cards],
        # The two addresses every card's form posts to, found once rather than on each card.
        **_card_urls(get_urlconf(), get_script_prefix()),
    }


@functools.lru_cache(maxsize=16)
def _card_urls(urlconf: Any, script_prefix: str) -> dict[str, str]:
    """The cards' two addresses, reversed once per process for a URLconf and script prefix
    (which key them): the same for everyone."""
    return {
        "taken_url": reverse("medications:dose_taken"),
        "undo_url": reverse("medications:dose_undo"),
    }


DOSE_LOG_COLUMNS = (
    "day",
    "time_of_day",
    "scheduled_time",
    "medicine",
    "dose",
    "marked_at",
    "undone_at",
    "source",
)


def dose_log_rows(patient: Patient) -> list[list[str]]:
    """The patient's whole dose log for their export, times in the clinic's time zone."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)

    def local(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if at else ""

    rows = DoseLog.objects.filter(patient=patient).order_by("day", "taken_at", "pk")
    return [
        [
            row.day.isoformat(),
            str(DoseSlot(row.slot).label),
            row.time,
            row.product,
            row.dose_text,
            local(row.taken_at),
            local(row.undone_at),
            row.source,
        ]
        for row in rows
    ]
