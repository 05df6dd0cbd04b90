"""Which amounts one medication can be given as, in whole units of real strengths.

Amounts are worked in `Fraction` so that no rounding ever slips in; each amount is made with
the fewest units (a half tablet counts as one unit, and at most one half is used per dose).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Piece:
    """One unit the menu can use: a whole or half tablet, a patch, or one measure of solution."""

    amount: Fraction  # in the product's unit (mg, mcg/h)
    added: bool  # from an added product (a formulation change)
    strength: Fraction  # the strength written on the unit (mg/mL for a solution)
    count: Fraction  # how many of `strength` one piece is (0.5: half; mL for a solution)
    release: str | None = None
    form: str | None = None
    unit: str | None = None


def _pieces(medication: Medication, *, allow_halves: bool, include_added: bool) -> list[_Piece]:
    pieces = [
        _Piece(to_fraction(s), False, to_fraction(s), Fraction(1))
        for s in sorted({s for s in medication.strengths if s > 0})
    ]
    halves = [
        _Piece(to_fraction(s) / 2, False, to_fraction(s), Fraction(1, 2))
        for s in sorted(set(medication.halves(allow_halves)))
    ]
    if include_added:
        for product in medication.added:
            labels = {"release": product.release, "form": product.form, "unit": product.unit}
            if product.form == "solution" and product.concentration and product.measure_ml:
                conc, ml = to_fraction(product.concentration), to_fraction(product.measure_ml)
                pieces.append(_Piece(conc * ml, True, conc, ml, **labels))
                continue
            pieces += [
                _Piece(to_fraction(s), True, to_fraction(s), Fraction(1), **labels)
                for s in product.strengths
            ]
            if allow_halves and product.release == "IR" and product.form == "tablet":
                halves += [
                    _Piece(to_fraction(s) / 2, True, to_fraction(s), Fraction(1, 2), **labels)
                    for s in product.scored
                ]
    return pieces + halves


_Cost = tuple[int, int]  # (units of added products, all units): fewer is better, in that order


def _plus(a: _Cost, piece: _Piece) -> _Cost:
    return (a[0] + (1 if piece.added else 0), a[1] + 1)


class UnitMenu:
    """The amounts per administration that can be made for one medication, up to `ceiling`.

    With `include_added`, units of the medication's added products (same drug, mg for mg) may be
    used too, but only where the listed product alone cannot make the amount as well.
    """

    def __init__(
        self,
        medication: Medication,
        *,
        allow_halves: bool,
        ceiling: Fraction,
        include_added: bool = False,
    ) -> None:
        if not any(s > 0 for s in medication.strengths):
            raise TaperError(f"no strengths are available for {medication.drug}")
        pieces = _pieces(medication, allow_halves=allow_halves, include_added=include_added)
        wholes = [p for p in pieces if p.count.denominator == 1 or p.form == "solution"]
        halves = [p for p in pieces if p not in wholes]
        self.medication = medication
        self.added = include_added and bool(medication.added)
        self.quantum = _quantum([p.amount for p in pieces])
        cells = int(ceiling / self.quantum)
        if cells > _MAX_CELLS:
            raise TaperError(f"{medication.drug}: the strengths given are too fine for this dose")
        step = self.quantum
        # best[m]: the cheapest whole units making m quanta, and the piece used last.
        best: list[_Cost | None] = [(0, 0)] + [None] * cells
        last: list[_Piece | None] = [None] * (cells + 1)
        for m in range(1, cells + 1):
            for piece in wholes:
                k = int(piece.amount / step)
                prior = best[m - k] if k <= m else None
                if prior is None:
                    continue
                candidate = _plus(prior, piece)
                current = best[m]
                if current is None or candidate < current:
                    best[m] = candidate
                    last[m] = piece
        self._wholes_last = last
        # options[m] -> (cost, half piece or None); at most one half per dose.
        options: dict[int, tuple[_Cost, _Piece | None]] = {}
        for m in range(1, cells + 1):
            cost = best[m]
            if cost is not None:
                options[m] = (cost, None)
        for half in halves:
            k = int(half.amount / step)
            for base in range(0, cells + 1 - k):
                cost = best[base]
                if cost is None:
                    continue
                m = base + k
                candidate = _plus(cost, half)
                if m not in options or candidate < options[m][0]:
                    options[m] = (candidate, half)
        self._options = options
        # Every amount that can be made, in quanta and in the product's unit, smallest first.
        if not options:
            # A dose below the smallest strength (1 mg where the lowest tablet is 2 mg).
            raise TaperError(
                f"{medication.drug}: a dose of {to_decimal(ceiling)} {medication.unit} or less "
                "cannot be made from the available strengths "
                f"({', '.join(str(s) for s in medication.strengths)} {medication.unit})"
            )
        self.levels: tuple[int, ...] = tuple(sorted(options))
        self.amounts: tuple[Fraction, ...] = tuple(m * step for m in self.levels)

    @property
    def smallest(self) -> Fraction:
        return self.amounts[0]

    def can_make(self, amount: Fraction) -> bool:
        if amount == 0:
            return True
        m = amount / self.quantum
        return m.denominator == 1 and int(m) in self._options

    def uses_added(self, amount: Fraction) -> bool:
        """Whether making `amount` takes units of an added product."""
        if amount == 0 or not self.can_make(amount):
            return False
        return self._options[int(amount / self.quantum)][0][0] > 0

    def compose(self, amount: Fraction) -> tuple[UnitDose, ...]:
        """The units making `amount`: listed product first, largest strength first, halves merged
        into their strength."""
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
        counts: dict[tuple[bool, Fraction, str | None, str | None, str | None], Fraction] = {}

        def add(piece: _Piece) -> None:
            key = (not piece.added, piece.strength, piece.release, piece.form, piece.unit)
            counts[key] = counts.get(key, Fraction(0)) + piece.count

        if half is not None:
            add(half)
            m -= int(half.amount / self.quantum)
        while m > 0:
            piece = self._wholes_last[m]
            if piece is None:  # pragma: no cover - every reachable cell records one
                raise TaperError(f"{self.medication.drug}: internal composition error")
            add(piece)
            m -= int(piece.amount / self.quantum)
        return tuple(
            UnitDose(
                strength=to_decimal(strength),
                count=to_decimal(count),
                release=release,
                form=form,
                unit=unit,
            )
            for (_, strength, release, form, unit), count in sorted(counts.items(), reverse=True)
        )
