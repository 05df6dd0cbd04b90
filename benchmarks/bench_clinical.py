"""The clinical core: taper schedules and a 20-medicine review, in calls per second.

Baseline, in the same run: decoding the same input from JSON (the least any caller does).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from benchmarks.harness import calls_per_second, write_results
from taperwell.clinical.guidelines import load_pack
from taperwell.clinical.review import History, review
from taperwell.clinical.taper import plan_taper
from taperwell.clinical.taper_catalogue import medication_from_formulary
from taperwell.clinical.taper_model import TaperPolicy

TWENTY = [
    "oxycodone",
    "morphine",
    "alprazolam",
    "gabapentin",
    "cyclobenzaprine",
    "sertraline",
    "zolpidem",
    "fluconazole",
    "acetaminophen",
    "ibuprofen",
    "lisinopril",
    "metformin",
    "atorvastatin",
    "omeprazole",
    "duloxetine",
    "trazodone",
    "tramadol",
    "carisoprodol",
    "quetiapine",
    "not-a-known-medicine",
]


def main() -> None:
    pack = load_pack("cdc-2022", state="OH")
    history = History(tapering=True)
    review_input = json.dumps({"medications": [{"drug": d} for d in TWENTY]})
    regimen = [
        medication_from_formulary(
            "morphine",
            release="ER",
            doses=[("08:00", Decimal(30)), ("16:00", Decimal(30)), ("23:00", Decimal(30))],
        ),
        medication_from_formulary("oxycodone", release="IR", doses=[("12:00", Decimal(10))]),
    ]
    policy = TaperPolicy(percent=Decimal(10), interval_days=28)
    taper_input = json.dumps({"start": "2027-01-04", "policy": {"percent": 10}})

    rows = [
        {
            "what": "decode the input (baseline)",
            "calls_per_second": calls_per_second(lambda: json.loads(review_input)),
            "time_vs_baseline": 1.0,
        },
    ]
    baseline = rows[0]["calls_per_second"]
    for name, function in (
        ("20-medicine review", lambda: review(TWENTY, pack, history=history)),
        (
            "taper schedule, 2 opioids, 10%/month",
            lambda: (json.loads(taper_input), plan_taper(regimen, date(2027, 1, 4), policy)),
        ),
    ):
        rate = calls_per_second(function)
        rows.append({"what": name, "calls_per_second": rate, "time_vs_baseline": baseline / rate})
    path = write_results(
        "clinical",
        rows,
        notes=[
            "time_vs_baseline = time per call as a multiple of decoding the same JSON input, "
            "measured in the same run.",
        ],
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
