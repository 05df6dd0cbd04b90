"""Builders shared by the taper tests (no tests here): real product strengths."""

from __future__ import annotations

from decimal import Decimal

from taperwell.clinical.taper_model import Medication, Schedule, TaperPolicy

D = Decimal

# (drug, release, form, unit, strengths, scored, splittable, wear_hours, factor) per product,
# strengths from the reference's table of US products (section 9).
PRODUCTS: dict[str, Medication] = {
    "morphine ER": Medication(
        drug="morphine",
        release="ER",
        form="tablet",
        unit="mg",
        doses=(),
        strengths=(D(15), D(30), D(60), D(100), D(200)),
        factor=D(1),
    ),
    "morphine IR": Medication(
        drug="morphine",
        release="IR",
        form="tablet",
        unit="mg",
        doses=(),
        strengths=(D(15), D(30)),
        scored=(D(15), D(30)),
        splittable=True,
        factor=D(1),
    ),
    "oxycodone IR": Medication(
        drug="oxycodone",
        release="IR",
        form="tablet",
        unit="mg",
        doses=(),
        strengths=(D(5), D(10), D(15), D(20), D(30)),
        scored=(D(5), D(15), D(30)),
        splittable=True,
        factor=D("1.5"),
    ),
    "oxycodone ER": Medication(
        drug="oxycodone",
        release="ER",
        form="tablet",
        unit="mg",
        doses=(),
        strengths=(D(10), D(15), D(20), D(30), D(40), D(60), D(80)),
        factor=D("1.5"),
    ),
    "hydromorphone IR": Medication(
        drug="hydromorphone",
        release="IR",
        form="tablet",
        unit="mg",
        doses=(),
        strengths=(D(2), D(4), D(8)),
        scored=(D(8),),
        splittable=True,
        factor=D(5),
    ),
    "hydrocodone IR": Medication(
        drug="hydrocodone",
        release="IR",
        form="tablet",
        unit="mg",
        doses=(),
        strengths=(D("2.5"), D(5), D("7.5"), D(10)),
        scored=(D("2.5"), D(5), D("7.5"), D(10)),
        splittable=True,
        factor=D(1),
    ),
    "fentanyl patch": Medication(
        drug="fentanyl",
        release="ER",
        form="patch",
        unit="mcg/h",
        doses=(),
        strengths=(D("12.5"), D(25), D("37.5"), D(50), D("62.5"), D(75), D("87.5"), D(100)),
        wear_hours=72,
        factor=D("2.4"),
    ),
}


def med(product: str, **doses: int | str | Decimal) -> Medication:
    """`med("morphine ER", t0800=90, t1600=90)` -> morphine ER 90 mg at 08:00 and 16:00."""
    base = PRODUCTS[product]
    pairs = tuple((f"{k[1:3]}:{k[3:5]}", Decimal(str(v))) for k, v in doses.items())
    return Medication(
        drug=base.drug,
        release=base.release,
        form=base.form,
        unit=base.unit,
        doses=pairs,
        strengths=base.strengths,
        factor=base.factor,
        scored=base.scored,
        splittable=base.splittable,
        wear_hours=base.wear_hours,
    )


def policy(percent: int | str = 10, interval_days: int = 28, **kwargs: object) -> TaperPolicy:
    return TaperPolicy(percent=Decimal(str(percent)), interval_days=interval_days, **kwargs)  # type: ignore[arg-type]


def times_of(schedule: Schedule, drug: str) -> list[tuple[str, ...]]:
    """The dosing times of `drug` at each step."""
    result = []
    for step in schedule.steps:
        dose = step.dose_of(drug)
        result.append(tuple(a.time for a in dose.administrations) if dose else ())
    return result
