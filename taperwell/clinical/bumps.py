"""Bump rules: notice, from daily check-ins and questionnaires, when a taper needs attention.

The thresholds live in `data/bump_rules.toml`, each with its source, or a note that no source
gives a number (reference section 4). `find_bumps` is pure: the same history always gives the
same flags, so a job can run it daily and store only the flags it has not stored before.

Check-in scales are 0-10: pain, withdrawal and craving (10 = worst); sleep and mood (10 = best).
"""

from __future__ import annotations

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
    checkins: tuple[CheckIn, ...]  # one per day, sorted, none after today
    steps: tuple[date, ...]  # sorted, none after today
    instruments: tuple[InstrumentResult, ...]
    pause_requests: tuple[date, ...]
    checkin_every_days: int = 1  # daily while tapering; less often in maintenance

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
    return f"{day.day} {_MONTHS[day.month - 1]}"


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


def _self_harm(rule: Rule, history: _History) -> list[Flag]:
    flags = [
        _flag(
            rule,
            c.day,
            f"answered yes to thoughts of self-harm on the check-in of {short_date(c.day)}",
            history.step_before(c.day),
        )
        for c in history.checkins
        if c.self_harm_thoughts
    ]
    above = rule.whole("phq9_item9_above")
    for result in history.instruments:
        if result.instrument == "phq9" and len(result.answers) >= 9 and result.answers[8] > above:
            flags.append(
                _flag(
                    rule,
                    result.day,
                    f"PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered "
                    f"{result.answers[8]} on {short_date(result.day)}",
                    history.step_before(result.day),
                )
            )
    return flags


def _withdrawal_runs(
    rule: Rule, history: _History, *, from_offset: int, lasting: bool
) -> tuple[list[Flag], set[date]]:
    """Withdrawal at or above the rule's level on consecutive days after a step (one per step).

    Only check-ins from `from_offset` days after the step count, so a long run that began
    early still counts as lasting once it passes that day.
    """
    level, days, window = rule.whole("level"), rule.whole("days"), rule.whole("window_days")
    flags: list[Flag] = []
    flagged: set[date] = set()
    for step in history.steps:
        following = history.next_step_after(step)
        in_window = [
            c
            for c in history.checkins
            if step + timedelta(days=from_offset) <= c.day < step + timedelta(days=window)
            and (following is None or c.day < following)
        ]
        for run in _runs(in_window, lambda c: c.withdrawal >= level):
            if len(run) < days:
                continue
            peak = max(c.withdrawal for c in run)
            start = _days_after(step, run[0].day)
            reason = (
                f"withdrawal still {level}/10 or more (up to {peak}/10) for {len(run)} days "
                f"in a row from {start}"
                if lasting
                else f"severe withdrawal {peak}/10 for {len(run)} days, starting {start}"
            )
            flags.append(_flag(rule, run[days - 1].day, reason, step))
            flagged.add(step)
            break
    return flags, flagged


def _withdrawal_severe(rule: Rule, history: _History) -> list[Flag]:
    return _withdrawal_runs(rule, history, from_offset=0, lasting=False)[0]


def _withdrawal_lasting(rule: Rule, history: _History) -> list[Flag]:
    after = rule.whole("after_days")
    return _withdrawal_runs(rule, history, from_offset=after + 1, lasting=True)[0]


def _withdrawal_expected(rule: Rule, history: _History, rules: Mapping[str, Rule]) -> list[Flag]:
    _, severe_steps = _withdrawal_runs(
        rules["withdrawal-severe"], history, from_offset=0, lasting=False
    )
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
    late = _History(
        history.today,
        history.baseline,
        tuple(c for c in history.checkins if c.day >= first + timedelta(days=7))
        if reference is not None
        else history.checkins,
        history.steps,
        history.instruments,
        history.pause_requests,
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
    if not history.checkins:
        return []
    flags = []
    # Today is not over, so it does not count as missed yet.
    ends = [c.day for c in history.checkins[1:]] + [history.today]
    for previous, following in zip(history.checkins, ends, strict=True):
        silent = (following - previous.day).days - 1
        if silent - (every - 1) >= days:
            first = previous.day + timedelta(days=1)
            last = following - timedelta(days=1)
            reason = f"no check-in for {silent} days ({short_date(first)} to {short_date(last)})"
            if every > 1:
                reason += f"; one every {every} days was expected"
            flags.append(_flag(rule, previous.day + timedelta(days=every - 1 + days), reason, None))
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
    "withdrawal-expected": lambda rule, history: [],  # needs the severe rule; run separately
}


def _check_scale(checkin: CheckIn) -> None:
    for name in ("pain", "sleep", "mood", "withdrawal", "craving"):
        value = getattr(checkin, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise BumpInputError(
                f"check-in of {checkin.day.isoformat()}: {name} must be a whole number 0-10"
            )
    if checkin.prn_doses is not None and checkin.prn_doses < 0:
        raise BumpInputError(f"check-in of {checkin.day.isoformat()}: prn_doses cannot be negative")


def _check_instrument(result: InstrumentResult) -> InstrumentResult:
    from taperwell.clinical.instruments import normalise_id, score

    key = normalise_id(result.instrument)
    try:
        score(key, result.answers)
    except (ValueError, LookupError) as error:
        raise BumpInputError(f"{result.instrument} of {result.day.isoformat()}: {error}") from error
    return InstrumentResult(result.day, key, tuple(result.answers))


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
) -> tuple[Flag, ...]:
    """Every flag the history up to `today` raises, most urgent first within each day.

    `checkin_every_days`: how often check-ins are expected (1 while tapering; the clinic's
    maintenance cadence after the taper), so a weekly rhythm is not read as missed days.
    """
    rules = load_rules() if rules is None else rules
    if checkin_every_days < 1:
        raise BumpInputError("checkin_every_days must be 1 or more")
    for checkin in checkins:
        _check_scale(checkin)
    latest: dict[date, CheckIn] = {}
    for checkin in sorted(checkins, key=lambda c: c.day):
        if checkin.day <= today:
            latest[checkin.day] = checkin  # a later entry the same day replaces an earlier one
    history = _History(
        today=today,
        baseline=baseline or Baseline(),
        checkins=tuple(latest[d] for d in sorted(latest)),
        steps=tuple(sorted({d for d in dose_changes if d <= today})),
        instruments=tuple(
            sorted(
                (_check_instrument(r) for r in instruments if r.day <= today),
                key=lambda r: r.day,
            )
        ),
        pause_requests=tuple(sorted({d for d in pause_requests if d <= today})),
        checkin_every_days=checkin_every_days,
    )
    flags: list[Flag] = []
    for rule_id, check in _CHECKS.items():
        if rule_id in rules:
            flags.extend(check(rules[rule_id], history))
    if "withdrawal-expected" in rules and "withdrawal-severe" in rules:
        flags.extend(_withdrawal_expected(rules["withdrawal-expected"], history, rules))
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    unique = {(f.day, f.rule, f.reason): f for f in flags}
    return tuple(sorted(unique.values(), key=lambda f: (f.day, rank[f.severity], f.rule)))
