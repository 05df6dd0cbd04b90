"""Bump rules: notice, from daily check-ins and questionnaires, when a taper needs attention.

The thresholds live in `data/bump_rules.toml`, each with its source, or a note that no source
gives a number (reference section 4). `find_bumps` is pure: the same history always gives the
same flags, so a job can run it daily and store only the flags it has not stored before.

Check-in scales are 0-10: pain, withdrawal and craving (10 = worst); sleep and mood (10 = best).
A check-in also carries yes/no safety answers: `self_harm_thoughts`, `overdose`, `naloxone_used`
and `not_prescribed_opioids`. A "yes" to any of them on a day counts, whatever another check-in
of the same day says; the scales of a day come from its latest readable check-in.

`check_bumps` returns the flags and the `problems`: entries the rules could not read (a
questionnaire with the wrong number of answers, a scale out of range). A problem never stops the
other rules; it is also raised as an `unreadable-entry` flag so the care team asks again, and a
safety answer on an unreadable entry (a "yes" to self-harm, PHQ-9 item 9 above 0) still counts.
`find_bumps` returns the flags only.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

Severity = Literal["urgent", "high", "moderate", "info"]
Action = Literal["crisis", "call", "pause", "slow", "watch"]

SEVERITIES: tuple[Severity, ...] = ("urgent", "high", "moderate", "info")
ACTIONS: tuple[Action, ...] = ("crisis", "call", "pause", "slow", "watch")
RULES_PATH = Path(__file__).resolve().parent / "data" / "bump_rules.toml"
NO_SOURCE = "none"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class BumpInputError(ValueError):
    """Check-in or questionnaire data the rules cannot use; the message says which and why."""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    action: Action
    source: str
    note: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def number(self, key: str) -> Decimal:
        value = self.params.get(key)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise BumpInputError(f"bump rule {self.id}: {key} must be a number")
        return Decimal(value)

    def whole(self, key: str) -> int:
        return int(self.number(key))


@dataclass(frozen=True)
class Baseline:
    """The patient's values before the taper (or at its review). Any may be unknown."""

    pain: Decimal | None = None
    peg: Decimal | None = None
    phq9: int | None = None
    gad7: int | None = None
    sleep: Decimal | None = None
    prn_per_day: int = 0


@dataclass(frozen=True)
class CheckIn:
    day: date
    pain: int
    sleep: int
    mood: int
    withdrawal: int
    craving: int
    self_harm_thoughts: bool | None = None
    prn_doses: int | None = None
    overdose: bool | None = None
    naloxone_used: bool | None = None
    not_prescribed_opioids: bool | None = None


# The yes/no answers of a check-in that raise a flag on their own, by rule.
SAFETY_ANSWERS: dict[str, str] = {
    "self_harm_thoughts": "self-harm",
    "overdose": "overdose",
    "naloxone_used": "naloxone-used",
    "not_prescribed_opioids": "non-prescribed-opioids",
}


@dataclass(frozen=True)
class InstrumentResult:
    day: date
    instrument: str
    answers: tuple[int, ...]


@dataclass(frozen=True)
class Flag:
    """One bump for the care team. `step_date` is the dose change it relates to, if any."""

    day: date
    rule: str
    severity: Severity
    reason: str
    step_date: date | None
    action: Action

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "rule": self.rule,
            "severity": self.severity,
            "reason": self.reason,
            "step_date": self.step_date.isoformat() if self.step_date else None,
            "action": self.action,
        }


@dataclass(frozen=True)
class BumpProblem:
    """An entry the rules could not read. `entry` is `check-in` or the questionnaire's id."""

    day: date
    entry: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "entry": self.entry, "message": self.message}


@dataclass(frozen=True)
class BumpReport:
    flags: tuple[Flag, ...]
    problems: tuple[BumpProblem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "flags": [f.as_dict() for f in self.flags],
            "problems": [p.as_dict() for p in self.problems],
        }


# ---------------------------------------------------------------------------------------------
# Rules data


@functools.cache
def load_rules(path: Path = RULES_PATH) -> dict[str, Rule]:
    """The bump rules, read and checked once."""
    with path.open("rb") as handle:
        document = tomllib.load(handle, parse_float=Decimal)
    return parse_rules(document, where=path.name)


def parse_rules(document: Mapping[str, Any], *, where: str = "bump rules") -> dict[str, Rule]:
    from taperwell.clinical.formulary import load_sources

    sources = load_sources()
    table = document.get("rule")
    if not isinstance(table, dict) or not table:
        raise BumpInputError(f"{where}: no [rule.*] tables")
    rules: dict[str, Rule] = {}
    for rule_id, raw in table.items():
        here = f"{where}: rule.{rule_id}"
        if not isinstance(raw, dict):
            raise BumpInputError(f"{here} must be a table")
        severity = raw.get("severity")
        action = raw.get("action")
        source = raw.get("source")
        note = raw.get("note")
        if severity not in SEVERITIES:
            raise BumpInputError(f"{here}.severity must be one of {', '.join(SEVERITIES)}")
        if action not in ACTIONS:
            raise BumpInputError(f"{here}.action must be one of {', '.join(ACTIONS)}")
        if not isinstance(source, str) or (source != NO_SOURCE and source not in sources):
            raise BumpInputError(f"{here}.source must be a known source name or {NO_SOURCE!r}")
        if not isinstance(note, str) or not note.strip():
            raise BumpInputError(f"{here} needs a note on where its numbers come from")
        if source == NO_SOURCE and "no source" not in note.lower():
            raise BumpInputError(f"{here}: a rule without a source must say so in its note")
        params = {k: v for k, v in raw.items() if k not in {"severity", "action", "source", "note"}}
        rules[rule_id] = Rule(rule_id, severity, action, source, note, params)
    missing = set(_CHECKS) - set(rules)
    if missing:
        raise BumpInputError(f"{where}: missing rule(s) {', '.join(sorted(missing))}")
    return rules


# ---------------------------------------------------------------------------------------------
# Evaluation


@dataclass(frozen=True)
class _History:
    today: date
    baseline: Baseline
    # Readable check-ins, the latest of each day, sorted, none after today: the scales of each
    # day. The rules read the safety answers from `answered` only.
    checkins: tuple[CheckIn, ...]
    steps: tuple[date, ...]  # sorted, none after today
    instruments: tuple[InstrumentResult, ...]  # readable ones, sorted
    pause_requests: tuple[date, ...]
    checkin_every_days: int = 1  # daily while tapering; less often in maintenance
    # Every day with a check-in, readable or not, and the safety answers said "yes" that day.
    answered: tuple[tuple[date, frozenset[str]], ...] = ()
    # PHQ-9 item 9 of every PHQ-9, readable or not: (day, answer).
    item9: tuple[tuple[date, int], ...] = ()
    enrolled_on: date | None = None

    def by_day(self) -> dict[date, CheckIn]:
        return {c.day: c for c in self.checkins}

    def step_before(self, day: date, within_days: int = 28) -> date | None:
        """The latest dose change on or before `day`, if it was at most `within_days` ago."""
        earlier = [s for s in self.steps if s <= day]
        if not earlier or (day - earlier[-1]).days > within_days:
            return None
        return earlier[-1]

    def next_step_after(self, day: date) -> date | None:
        return next((s for s in self.steps if s > day), None)


def short_date(day: date) -> str:
    """'Jan 4': a day as US clinics write it, month first (the care team's pages do the same)."""
    return f"{_MONTHS[day.month - 1]} {day.day}"


def _num(value: Decimal | float) -> str:
    number = Decimal(value).quantize(Decimal("0.1"))
    return str(number.quantize(Decimal(1)) if number == number.to_integral_value() else number)


def _days_after(step: date, day: date) -> str:
    days = (day - step).days
    if days == 0:
        return f"on the day of the step on {short_date(step)}"
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} after the step on {short_date(step)}"


def _runs(checkins: Sequence[CheckIn], test: Callable[[CheckIn], bool]) -> list[list[CheckIn]]:
    """Runs of check-ins on consecutive calendar days for which `test` holds."""
    runs: list[list[CheckIn]] = []
    for checkin in checkins:
        if test(checkin):
            if runs and runs[-1] and (checkin.day - runs[-1][-1].day).days == 1:
                runs[-1].append(checkin)
            else:
                runs.append([checkin])
        elif runs and runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _episodes(days: Iterable[date], active: Callable[[date], bool]) -> list[date]:
    """Days on which a condition becomes true after being false (or at the first day)."""
    starts: list[date] = []
    was = False
    for day in days:
        now = active(day)
        if now and not was:
            starts.append(day)
        was = now
    return starts


def _window(history: _History, end: date, days: int) -> list[CheckIn]:
    start = end - timedelta(days=days - 1)
    return [c for c in history.checkins if start <= c.day <= end]


def _mean(values: Sequence[int | Decimal]) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0)) / len(values)


def _flag(rule: Rule, day: date, reason: str, step: date | None) -> Flag:
    return Flag(day, rule.id, rule.severity, reason, step, rule.action)


def _said_yes(
    rule: Rule, history: _History, answer: str, reason: Callable[[date], str]
) -> list[Flag]:
    """One flag for each day a check-in answered yes to `answer`, whatever else that day says."""
    return [
        _flag(rule, day, reason(day), history.step_before(day))
        for day, yes in history.answered
        if answer in yes
    ]


def _self_harm(rule: Rule, history: _History) -> list[Flag]:
    flags = _said_yes(
        rule,
        history,
        "self_harm_thoughts",
        lambda day: f"answered yes to thoughts of self-harm on the check-in of {short_date(day)}",
    )
    above = rule.whole("phq9_item9_above")
    for day, answer in history.item9:
        if answer > above:
            flags.append(
                _flag(
                    rule,
                    day,
                    f"PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered "
                    f"{answer} on {short_date(day)}",
                    history.step_before(day),
                )
            )
    return flags


def _overdose(rule: Rule, history: _History) -> list[Flag]:
    return _said_yes(
        rule,
        history,
        "overdose",
        lambda day: f"reported an overdose on the check-in of {short_date(day)}",
    )


def _naloxone_used(rule: Rule, history: _History) -> list[Flag]:
    return _said_yes(
        rule,
        history,
        "naloxone_used",
        lambda day: f"reported that naloxone was used on the check-in of {short_date(day)}",
    )


def _non_prescribed_opioids(rule: Rule, history: _History) -> list[Flag]:
    return _said_yes(
        rule,
        history,
        "not_prescribed_opioids",
        lambda day: f"took opioids not prescribed to them, on the check-in of {short_date(day)}",
    )


def _withdrawal_runs(rule: Rule, history: _History) -> tuple[list[Flag], set[date]]:
    """Withdrawal at or above the rule's level on consecutive days after a step (one per step)."""
    level, days, window = rule.whole("level"), rule.whole("days"), rule.whole("window_days")
    flags: list[Flag] = []
    flagged: set[date] = set()
    for step in history.steps:
        following = history.next_step_after(step)
        in_window = [
            c
            for c in history.checkins
            if step <= c.day < step + timedelta(days=window)
            and (following is None or c.day < following)
        ]
        for run in _runs(in_window, lambda c: c.withdrawal >= level):
            if len(run) < days:
                continue
            peak = max(c.withdrawal for c in run)
            start = _days_after(step, run[0].day)
            reason = f"severe withdrawal {peak}/10 for {len(run)} days, starting {start}"
            flags.append(_flag(rule, run[days - 1].day, reason, step))
            flagged.add(step)
            break
    return flags, flagged


def _withdrawal_severe(rule: Rule, history: _History) -> list[Flag]:
    return _withdrawal_runs(rule, history)[0]


def _withdrawal_days(
    rule: Rule, history: _History, *, skip_near: Sequence[date] = ()
) -> list[Flag]:
    """Withdrawal at or above `level` on at least `days` of the `window_days` calendar days up to
    a check-in, whatever the dates of the steps (a day without a check-in does not count).
    One flag when this starts; another only after it has stopped. An episode whose window
    already holds a flag in `skip_near` is not flagged again."""
    level, days, window = rule.whole("level"), rule.whole("days"), rule.whole("window_days")

    def high(day: date) -> list[CheckIn]:
        return [c for c in _window(history, day, window) if c.withdrawal >= level]

    flags = []
    for day in _episodes((c.day for c in history.checkins), lambda d: len(high(d)) >= days):
        if any(day - timedelta(days=window - 1) <= other <= day for other in skip_near):
            continue
        found = high(day)
        flags.append(
            _flag(
                rule,
                day,
                f"withdrawal {level}/10 or more (up to {max(c.withdrawal for c in found)}/10) "
                f"on {len(found)} of the {window} days to {short_date(day)}",
                history.step_before(day),
            )
        )
    return flags


def _withdrawal_lasting(rule: Rule, history: _History) -> list[Flag]:
    return _withdrawal_days(rule, history)


def _withdrawal_high_days(rule: Rule, history: _History, rules: Mapping[str, Rule]) -> list[Flag]:
    severe: list[date] = []
    if "withdrawal-severe" in rules:
        severe = [f.day for f in _withdrawal_severe(rules["withdrawal-severe"], history)]
    return _withdrawal_days(rule, history, skip_near=severe)


def _withdrawal_expected(rule: Rule, history: _History, rules: Mapping[str, Rule]) -> list[Flag]:
    _, severe_steps = _withdrawal_runs(rules["withdrawal-severe"], history)
    minimum, rise, window = rule.number("min_level"), rule.number("rise"), rule.whole("window_days")
    flags: list[Flag] = []
    for step in history.steps:
        if step in severe_steps:
            continue
        before = [
            c.withdrawal for c in history.checkins if step - timedelta(days=7) <= c.day < step
        ]
        after = [c for c in history.checkins if step <= c.day < step + timedelta(days=window)]
        following = history.next_step_after(step)
        after = [c for c in after if following is None or c.day < following]
        if not after:
            continue
        peak = max(after, key=lambda c: c.withdrawal)
        usual = _mean(before) if before else None
        if peak.withdrawal < minimum or (usual is not None and peak.withdrawal < usual + rise):
            continue
        usual_text = f" from about {_num(usual)}" if usual is not None else ""
        flags.append(
            _flag(
                rule,
                peak.day,
                f"withdrawal rose to {peak.withdrawal}/10{usual_text}, "
                f"{_days_after(step, peak.day)}; a short rise like this is common and usually "
                "passes",
                step,
            )
        )
    return flags


def _pain_worse(rule: Rule, history: _History) -> list[Flag]:
    base = history.baseline.pain
    if base is None:
        return []
    points, window, needed = (
        rule.number("points"),
        rule.whole("window_days"),
        rule.whole("min_checkins"),
    )

    def mean_pain(day: date) -> Decimal | None:
        recent = _window(history, day, window)
        return _mean([c.pain for c in recent]) if len(recent) >= needed else None

    def worse(day: date) -> bool:
        value = mean_pain(day)
        return value is not None and value >= base + points

    flags = []
    for day in _episodes((c.day for c in history.checkins), worse):
        value = mean_pain(day)
        flags.append(
            _flag(
                rule,
                day,
                f"pain averaged {_num(value or 0)}/10 over the {window} days to "
                f"{short_date(day)}, baseline {_num(base)}",
                history.step_before(day),
            )
        )
    return flags


def _peg_worse(rule: Rule, history: _History) -> list[Flag]:
    base = history.baseline.peg
    if base is None or base <= 0:
        return []
    limit = base * (1 + rule.number("percent") / 100)
    results = [r for r in history.instruments if r.instrument == "peg"]
    totals = {r.day: _mean(r.answers) for r in results}

    def worse(day: date) -> bool:
        return totals[day] >= limit

    return [
        _flag(
            rule,
            day,
            f"PEG {_num(totals[day])} on {short_date(day)}, "
            f"{_num((totals[day] - base) / base * 100)}% worse than baseline {_num(base)}",
            history.step_before(day),
        )
        for day in _episodes(sorted(totals), worse)
    ]


def _band_index(instrument: str, total: Decimal) -> tuple[int, str | None]:
    from taperwell.clinical.instruments import get_instrument

    spec = get_instrument(instrument)
    label = spec.band_for(total)
    labels = [band.label for band in spec.bands]
    return (labels.index(label) if label in labels else -1), label


def _mood_band_up(rule: Rule, history: _History) -> list[Flag]:
    from taperwell.clinical.instruments import score

    high_bands = set(rule.params.get("high_bands", []))
    flags: list[Flag] = []
    names = {"phq9": ("PHQ-9", history.baseline.phq9), "gad7": ("GAD-7", history.baseline.gad7)}
    for key, (name, base) in names.items():
        results = sorted(
            (r for r in history.instruments if r.instrument == key), key=lambda r: r.day
        )
        scored = [(r.day, score(key, r.answers).total) for r in results]
        if base is None:
            if not scored:
                continue
            base_total = scored[0][1]
            base_text = f"the first {name} on {short_date(scored[0][0])}"
            scored = scored[1:]
        else:
            base_total = Decimal(base)
            base_text = "baseline"
        base_index, base_label = _band_index(key, base_total)
        was_up = False
        for day, total in scored:
            index, label = _band_index(key, total)
            up = index > base_index
            if up and not was_up:
                severity: Severity = "high" if label in high_bands else rule.severity
                flags.append(
                    Flag(
                        day,
                        rule.id,
                        severity,
                        f"{name} {_num(total)} ({label}) on {short_date(day)}, up from "
                        f"{_num(base_total)} ({base_label}) at {base_text}",
                        history.step_before(day),
                        rule.action,
                    )
                )
            was_up = up
    return flags


def _questionnaire_at_least(rule: Rule, history: _History, key: str, name: str) -> list[Flag]:
    """Every result of `key` at or above the rule's `at_least`, with or without a baseline."""
    from taperwell.clinical.instruments import score

    limit = rule.number("at_least")
    flags = []
    for result in history.instruments:
        if result.instrument != key:
            continue
        total = score(key, result.answers).total
        if total >= limit:
            _, label = _band_index(key, total)
            band = f" ({label})" if label else ""
            flags.append(
                _flag(
                    rule,
                    result.day,
                    f"{name} {_num(total)}{band} on {short_date(result.day)}: "
                    f"{_num(limit)} or more",
                    history.step_before(result.day),
                )
            )
    return flags


def _phq9_severe(rule: Rule, history: _History) -> list[Flag]:
    return _questionnaire_at_least(rule, history, "phq9", "PHQ-9")


def _gad7_severe(rule: Rule, history: _History) -> list[Flag]:
    return _questionnaire_at_least(rule, history, "gad7", "GAD-7")


def _mean_drop(
    rule: Rule,
    history: _History,
    *,
    value: Callable[[CheckIn], int],
    reference: Decimal | None,
    name: str,
    floor: Decimal | None,
) -> list[Flag]:
    window, needed, drop = (
        rule.whole("window_days"),
        rule.whole("min_checkins"),
        rule.number("drop"),
    )

    def mean_at(day: date) -> Decimal | None:
        recent = _window(history, day, window)
        return _mean([value(c) for c in recent]) if len(recent) >= needed else None

    def low(day: date) -> bool:
        mean = mean_at(day)
        if mean is None:
            return False
        return (reference is not None and mean <= reference - drop) or (
            floor is not None and mean <= floor
        )

    flags = []
    for day in _episodes((c.day for c in history.checkins), low):
        ref_text = f", against {_num(reference)} before" if reference is not None else ""
        flags.append(
            _flag(
                rule,
                day,
                f"{name} averaged {_num(mean_at(day) or 0)}/10 over the {window} days to "
                f"{short_date(day)}{ref_text}",
                history.step_before(day),
            )
        )
    return flags


def _mood_low(rule: Rule, history: _History) -> list[Flag]:
    if not history.checkins:
        return []
    first = history.checkins[0].day
    first_week = [c.mood for c in history.checkins if c.day < first + timedelta(days=7)]
    reference = _mean(first_week) if len(first_week) >= rule.whole("min_checkins") else None
    late = dataclasses.replace(
        history,
        checkins=tuple(c for c in history.checkins if c.day >= first + timedelta(days=7))
        if reference is not None
        else history.checkins,
    )
    return _mean_drop(
        rule,
        late,
        value=lambda c: c.mood,
        reference=reference,
        name="mood",
        floor=rule.number("floor"),
    )


def _sleep_worse(rule: Rule, history: _History) -> list[Flag]:
    base = history.baseline.sleep
    if base is None:
        return []
    return _mean_drop(
        rule, history, value=lambda c: c.sleep, reference=base, name="sleep", floor=None
    )


def _craving_high(rule: Rule, history: _History) -> list[Flag]:
    level, days = rule.whole("level"), rule.whole("days")
    flags = []
    for run in _runs(history.checkins, lambda c: c.craving >= level):
        if len(run) >= days:
            peak = max(c.craving for c in run)
            flags.append(
                _flag(
                    rule,
                    run[days - 1].day,
                    f"craving {peak}/10 for {len(run)} days from {short_date(run[0].day)}",
                    history.step_before(run[0].day),
                )
            )
    return flags


def _missed_checkins(rule: Rule, history: _History) -> list[Flag]:
    """`days` check-ins missed in a row, counted from when the next one was due (the next day
    for daily check-ins; a week on for weekly ones in maintenance)."""
    days = rule.whole("days")
    every = history.checkin_every_days
    checked = [day for day, _ in history.answered]
    enrolled = history.enrolled_on
    # Enrolment counts as the last contact until the first check-in comes.
    from_enrolment = (
        enrolled is not None
        and enrolled <= history.today
        and (not checked or enrolled < checked[0])
    )
    starts = ([enrolled] if from_enrolment and enrolled else []) + checked
    if not starts:
        return []
    flags = []
    # Today is not over, so it does not count as missed yet.
    ends = [*starts[1:], history.today]
    for index, (previous, following) in enumerate(zip(starts, ends, strict=True)):
        silent = (following - previous).days - 1
        if silent - (every - 1) >= days:
            first = previous + timedelta(days=1)
            last = following - timedelta(days=1)
            span = f"{short_date(first)} to {short_date(last)}"
            if from_enrolment and index == 0:
                reason = (
                    f"no check-in since enrolling on {short_date(previous)}: {silent} days ({span})"
                )
            else:
                reason = f"no check-in for {silent} days ({span})"
            if every > 1:
                reason += f"; one every {every} days was expected"
            flags.append(_flag(rule, previous + timedelta(days=every - 1 + days), reason, None))
    return flags


def _prn_over_plan(rule: Rule, history: _History) -> list[Flag]:
    planned = history.baseline.prn_per_day
    days, window = rule.whole("days"), rule.whole("window_days")

    def over(day: date) -> bool:
        recent = _window(history, day, window)
        return sum(1 for c in recent if (c.prn_doses or 0) > planned) >= days

    flags = []
    for day in _episodes((c.day for c in history.checkins), over):
        recent = [c for c in _window(history, day, window) if (c.prn_doses or 0) > planned]
        most = max(c.prn_doses or 0 for c in recent)
        plan = f"{planned} a day" if planned else "none planned"
        flags.append(
            _flag(
                rule,
                day,
                f"more as-needed doses than planned ({plan}) on {len(recent)} of the last "
                f"{window} days, up to {most} a day",
                history.step_before(day),
            )
        )
    return flags


def _pause_request(rule: Rule, history: _History) -> list[Flag]:
    flags = []
    for day in history.pause_requests:
        step = history.step_before(day, within_days=366)
        about = f" (current step from {short_date(step)})" if step else ""
        flags.append(
            _flag(rule, day, f"asked to pause the taper on {short_date(day)}{about}", step)
        )
    return flags


_Check = Callable[[Rule, _History], list[Flag]]
_CHECKS: dict[str, _Check] = {
    "self-harm": _self_harm,
    "withdrawal-severe": _withdrawal_severe,
    "withdrawal-lasting": _withdrawal_lasting,
    "pain-worse": _pain_worse,
    "peg-worse": _peg_worse,
    "mood-band-up": _mood_band_up,
    "mood-low": _mood_low,
    "sleep-worse": _sleep_worse,
    "craving-high": _craving_high,
    "missed-checkins": _missed_checkins,
    "prn-over-plan": _prn_over_plan,
    "pause-request": _pause_request,
    "overdose": _overdose,
    "naloxone-used": _naloxone_used,
    "non-prescribed-opioids": _non_prescribed_opioids,
    "phq9-severe": _phq9_severe,
    "gad7-severe": _gad7_severe,
    # These read other rules' flags or the input problems; run separately.
    "withdrawal-expected": lambda rule, history: [],
    "withdrawal-high-days": lambda rule, history: [],
    "unreadable-entry": lambda rule, history: [],
}


def _scale_problem(checkin: CheckIn) -> str | None:
    for name in ("pain", "sleep", "mood", "withdrawal", "craving"):
        value = getattr(checkin, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            return f"{name} must be a whole number 0-10"
    prn = checkin.prn_doses
    if prn is not None and (isinstance(prn, bool) or not isinstance(prn, int) or prn < 0):
        return "prn_doses must be a whole number, 0 or more"
    return None


def _instrument_problem(result: InstrumentResult) -> tuple[InstrumentResult | None, str | None]:
    """The result with its id normalised, or None and what is wrong with it."""
    from taperwell.clinical.instruments import normalise_id, score

    key = normalise_id(result.instrument)
    try:
        score(key, result.answers)
    except (ValueError, LookupError, TypeError) as error:
        return None, str(error).strip("'\"") or "cannot be scored"
    return InstrumentResult(result.day, key, tuple(result.answers)), None


def _item9(result: InstrumentResult) -> int | None:
    """PHQ-9 item 9 if it can be read at all, even from a result that cannot be scored."""
    from taperwell.clinical.instruments import normalise_id

    if normalise_id(result.instrument) != "phq9" or len(result.answers) < 9:
        return None
    answer = result.answers[8]
    if isinstance(answer, bool) or not isinstance(answer, int | Decimal):
        return None
    return int(answer)


def _entry_name(entry: str) -> str:
    names = {"check-in": "check-in", "phq9": "PHQ-9", "gad7": "GAD-7", "peg": "PEG"}
    return names.get(entry, entry.upper())


def _unreadable(rule: Rule, problems: Sequence[BumpProblem], history: _History) -> list[Flag]:
    return [
        _flag(
            rule,
            p.day,
            f"the {_entry_name(p.entry)} of {short_date(p.day)} could not be read "
            f"({p.message}); ask for it again",
            history.step_before(p.day),
        )
        for p in problems
    ]


def _read_checkins(
    checkins: Sequence[CheckIn], today: date
) -> tuple[tuple[CheckIn, ...], tuple[tuple[date, frozenset[str]], ...], list[BumpProblem]]:
    """Readable check-ins (the latest of each day), the safety answers of every day, problems."""
    latest: dict[date, CheckIn] = {}
    said_yes: dict[date, set[str]] = {}
    problems: list[BumpProblem] = []
    for checkin in sorted(checkins, key=lambda c: c.day):  # stable: same-day order kept
        if checkin.day > today:
            continue
        yes = said_yes.setdefault(checkin.day, set())
        yes.update(answer for answer in SAFETY_ANSWERS if getattr(checkin, answer))
        problem = _scale_problem(checkin)
        if problem is not None:
            problems.append(BumpProblem(checkin.day, "check-in", problem))
            continue
        latest[checkin.day] = checkin  # a later readable entry the same day gives the scales
    readable = tuple(latest[day] for day in sorted(latest))
    answered = tuple((day, frozenset(said_yes[day])) for day in sorted(said_yes))
    return readable, answered, problems


def check_bumps(
    *,
    today: date,
    checkins: Sequence[CheckIn],
    baseline: Baseline | None = None,
    dose_changes: Sequence[date] = (),
    instruments: Sequence[InstrumentResult] = (),
    pause_requests: Sequence[date] = (),
    rules: Mapping[str, Rule] | None = None,
    checkin_every_days: int = 1,
    enrolled_on: date | None = None,
) -> BumpReport:
    """Every flag the history up to `today` raises (most urgent first within each day), and the
    entries that could not be read.

    `checkin_every_days`: how often check-ins are expected (1 while tapering; the clinic's
    maintenance cadence after the taper), so a weekly rhythm is not read as missed days.
    `enrolled_on`: the day the patient joined; days without a check-in since then count as
    missed even before the first check-in.
    """
    rules = load_rules() if rules is None else rules
    if checkin_every_days < 1:
        raise BumpInputError("checkin_every_days must be 1 or more")
    readable, answered, problems = _read_checkins(checkins, today)
    results: list[InstrumentResult] = []
    item9: list[tuple[date, int]] = []
    for result in sorted((r for r in instruments if r.day <= today), key=lambda r: r.day):
        answer = _item9(result)
        if answer is not None:
            item9.append((result.day, answer))
        normalised, problem = _instrument_problem(result)
        if normalised is None:
            problems.append(BumpProblem(result.day, result.instrument, problem or ""))
        else:
            results.append(normalised)
    history = _History(
        today=today,
        baseline=baseline or Baseline(),
        checkins=readable,
        steps=tuple(sorted({d for d in dose_changes if d <= today})),
        instruments=tuple(results),
        pause_requests=tuple(sorted({d for d in pause_requests if d <= today})),
        checkin_every_days=checkin_every_days,
        answered=answered,
        item9=tuple(item9),
        enrolled_on=enrolled_on,
    )
    problems.sort(key=lambda p: p.day)
    flags: list[Flag] = []
    for rule_id, check in _CHECKS.items():
        if rule_id in rules:
            flags.extend(check(rules[rule_id], history))
    if "withdrawal-expected" in rules and "withdrawal-severe" in rules:
        flags.extend(_withdrawal_expected(rules["withdrawal-expected"], history, rules))
    if "withdrawal-high-days" in rules:
        flags.extend(_withdrawal_high_days(rules["withdrawal-high-days"], history, rules))
    if "unreadable-entry" in rules:
        flags.extend(_unreadable(rules["unreadable-entry"], problems, history))
    flags = _without_repeats(flags)
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    unique = {(f.day, f.rule, f.reason): f for f in flags}
    ordered = sorted(unique.values(), key=lambda f: (f.day, rank[f.severity], f.rule))
    return BumpReport(tuple(ordered), tuple(problems))


def _without_repeats(flags: list[Flag]) -> list[Flag]:
    """A score flag (`phq9-severe`, `gad7-severe`) is dropped when the band rule already flagged
    the same questionnaire that day at least as severely: one result, one flag."""
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    band = [f for f in flags if f.rule == "mood-band-up"]
    names = {"phq9-severe": "PHQ-9 ", "gad7-severe": "GAD-7 "}

    def repeated(flag: Flag) -> bool:
        name = names.get(flag.rule)
        return name is not None and any(
            b.day == flag.day
            and b.reason.startswith(name)
            and rank[b.severity] <= rank[flag.severity]
            for b in band
        )

    return [f for f in flags if not repeated(f)]


def find_bumps(
    *,
    today: date,
    checkins: Sequence[CheckIn],
    baseline: Baseline | None = None,
    dose_changes: Sequence[date] = (),
    instruments: Sequence[InstrumentResult] = (),
    pause_requests: Sequence[date] = (),
    rules: Mapping[str, Rule] | None = None,
    checkin_every_days: int = 1,
    enrolled_on: date | None = None,
) -> tuple[Flag, ...]:
    """The flags of `check_bumps` (an unreadable entry is among them as `unreadable-entry`)."""
    return check_bumps(
        today=today,
        checkins=checkins,
        baseline=baseline,
        dose_changes=dose_changes,
        instruments=instruments,
        pause_requests=pause_requests,
        rules=rules,
        checkin_every_days=checkin_every_days,
        enrolled_on=enrolled_on,
    ).flags
