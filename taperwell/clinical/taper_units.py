"""Which amounts one medication can be given as, in whole units of real strengths.

Amounts are worked in `Fraction` so that no rounding ever slips in; each amount is made with
the fewest units (a half tablet counts as one unit, and at most one half is used per dose).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from taperwell.clinical.taper_model import Medication, TaperError, UnitDose

# A guard against absurd inputs (a strength of 0.001 mg with a 2 g dose); real regimens use a few
# hundred cells at most.
_MAX_CELLS = 50_000


def to_fraction(value: Decimal | int) -> Fraction:
    return Fraction(value)


def to_decimal(value: Fraction) -> Decimal:
    """Exact when the denominator divides a power of ten; otherwise rounded to 4 places."""
    quotient = Decimal(value.numerator) / Decimal(value.denominator)
    return plain(quotient.quantize(Decimal("0.0001")))


def plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (60, not 6E+1)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _quantum(values: list[Fraction]) -> Fraction:
    scale = math.lcm(*(v.denominator for v in values))
    return Fraction(math.gcd(*(int(v * scale) for v in values)), scale)


class UnitMenu:
    """The amounts per administration that can be made for one medication, up to `ceiling`."""

    def __init__(self, medication: Medication, *, allow_halves: bool, ceiling: Fraction) -> None:
        wholes = sorted({to_fraction(s) for s in medication.strengths if s > 0})
        if not wholes:
            raise TaperError(f"no strengths are available for {medication.drug}")
        halves = sorted({to_fraction(s) / 2 for s in medication.halves(allow_halves)})
        self.medication = medication
        self.quantum = _quantum(wholes + halves)
        cells = int(ceiling / self.quantum)
        if cells > _MAX_CELLS:
            raise TaperError(f"{medication.drug}: the strengths given are too fine for this dose")
        step = self.quantum
        # best[m]: fewest whole units making m quanta, and the strength used last.
        best: list[int | None] = [0] + [None] * cells
        last: list[Fraction | None] = [None] * (cells + 1)
        for m in range(1, cells + 1):
            for strength in wholes:
                k = int(strength / step)
                prior = best[m - k] if k <= m else None
                current = best[m]
                if prior is not None and (current is None or prior + 1 < current):
                    best[m] = prior + 1
                    last[m] = strength
        self._wholes_best = best
        self._wholes_last = last
        # compositions[m] -> (units, half strength or None)
        options: dict[int, tuple[int, Fraction | None]] = {}
        for m in range(1, cells + 1):
            count = best[m]
            if count is not None:
                options[m] = (count, None)
        for half in halves:
            k = int(half / step)
            for base in range(0, cells + 1 - k):
                count = best[base]
                if count is None:
                    continue
                m = base + k
                candidate = (count + 1, half)
                if m not in options or candidate[0] < options[m][0]:
                    options[m] = candidate
        self._options = options
        # Every amount that can be made, in quanta and in the product's unit, smallest first.
        self.levels: tuple[int, ...] = tuple(sorted(options))
        self.amounts: tuple[Fraction, ...] = tuple(m * step for m in self.levels)
        # Empty when even the smallest strength is above the current dose: the caller reports
        # that the current dose cannot be made.

    @property
    def smallest(self) -> Fraction:
        return self.amounts[0]

    def can_make(self, amount: Fraction) -> bool:
        if amount == 0:
            return True
        m = amount / self.quantum
        return m.denominator == 1 and int(m) in self._options

    def compose(self, amount: Fraction) -> tuple[UnitDose, ...]:
        """The units making `amount`: largest strength first, halves merged into their strength."""
        if amount == 0:
            return ()
        if not self.can_make(amount):
            medication = self.medication
            raise TaperError(
                f"{medication.drug} {to_decimal(amount)} {medication.unit} cannot be made "
                "from the available strengths"
            )
        m = int(amount / self.quantum)
        _, half = self._options[m]
        counts: dict[Fraction, Fraction] = {}
        if half is not None:
            counts[half * 2] = Fraction(1, 2)
            m -= int(half / self.quantum)
        while m > 0:
            strength = self._wholes_last[m]
            if strength is None:  # pragma: no cover - every reachable cell records one
                raise TaperError(f"{self.medication.drug}: internal composition error")
            counts[strength] = counts.get(strength, Fraction(0)) + 1
            m -= int(strength / self.quantum)
        return tuple(
            UnitDose(strength=to_decimal(s), count=to_decimal(c))
            for s, c in sorted(counts.items(), reverse=True)
        )
