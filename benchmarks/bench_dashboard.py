"""The care team's triage dashboard for a panel of 500 patients with a year of daily check-ins,
next to a bare Django view on the same server in the same run (gunicorn, wrk on loopback).

Reported: median (p50) latency and requests per second of each, and the dashboard's throughput as
a fraction of the bare view's.
"""

from __future__ import annotations

import os
from datetime import timedelta

from benchmarks.bench_http import session_cookie_for
from benchmarks.harness import configure_django, gunicorn, throwaway_site, write_results, wrk

SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
PANEL = int(os.environ.get("BENCH_PANEL", "500"))
DAYS = 365


def add_panel() -> None:
    """500 patients of the demo clinic, each with a year of check-ins, medicines and some flags."""
    from taperwell.care.models import Flag
    from taperwell.checkins.models import CheckIn
    from taperwell.clinics.models import Clinic, Membership
    from taperwell.medications.models import PatientMedication
    from taperwell.patients.models import CareTeamMember, Patient
    from taperwell.tapering.models import TaperPlan
    from taperwell.tapering.services import local_today

    clinic = Clinic.objects.get(slug="riverside")
    today = local_today(clinic)
    doctor = Membership.objects.get(user__email="clinician@example.org")
    template = TaperPlan.objects.filter(status="approved").first()
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, full_name=f"Bench Patient {n:04d}", status="active")
        for n in range(PANEL)
    )
    CareTeamMember.objects.bulk_create(
        CareTeamMember(patient=p, member=doctor, role="primary") for p in patients
    )
    CheckIn.objects.bulk_create(
        (
            CheckIn(
                patient=p,
                day=today - timedelta(days=d),
                pain=5,
                sleep=6,
                mood=6,
                withdrawal=2,
                craving=1,
            )
            for p in patients
            for d in range(DAYS)
        ),
        batch_size=5000,
    )
    PatientMedication.objects.bulk_create(
        PatientMedication(
            patient=p,
            drug="oxycodone",
            form="tablet",
            release="ER",
            strength=30,
            unit="mg",
            times=["08:00", "20:00"],
        )
        for p in patients
    )
    Flag.objects.bulk_create(
        Flag(
            patient=p,
            rule="pain-worse",
            severity="moderate",
            rank=2,
            reason="Pain up",
            day=today,
            source="bump-rules",
        )
        for p in patients[::4]
    )
    if template is not None:
        TaperPlan.objects.bulk_create(
            TaperPlan(
                patient=p, status="approved", schedule=template.schedule, inputs=template.inputs
            )
            for p in patients[::2]
        )


def main() -> None:
    with throwaway_site(TAPERWELL_REQUIRE_STAFF_MFA="false") as env:
        configure_django(env)
        add_panel()
        cookie = session_cookie_for("clinician@example.org")
        with gunicorn(env, workers=2) as base:
            bare = wrk(f"{base}/bench/bare", seconds=SECONDS)
            rows = [{"page": "bare Django view (baseline)", **bare, "vs_baseline": 1.0}]
            for label, path in (
                ("triage dashboard, my patients (first page of 50)", "/clinic/triage/"),
                ("triage dashboard, whole clinic", "/clinic/triage/?scope=all"),
            ):
                result = wrk(f"{base}{path}", seconds=SECONDS, headers={"Cookie": cookie})
                rows.append(
                    {
                        "page": label,
                        **result,
                        "vs_baseline": result["requests_per_second"] / bare["requests_per_second"],
                    }
                )
    path = write_results(
        "dashboard",
        rows,
        notes=[
            f"{PANEL} extra patients with {DAYS} daily check-ins each (about "
            f"{PANEL * DAYS:,} rows), medicines for all, flags for a quarter, plans for half.",
            "p50_ms is the median latency. vs_baseline = requests per second divided by the "
            "bare view's (same server, same run).",
            f"gunicorn, 2 sync workers, SQLite (WAL); wrk 2 threads, 8 connections, {SECONDS} s.",
        ],
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
