"""The triage dashboard and the patient timeline as the clinic grows: 100, 500 and 5,000 patients,
each with a year of daily check-ins.

Two measurements:
1. In-process (Django test client, the full middleware stack): median time and query count of the
   dashboard (first page of 50, my patients and the whole clinic) and of one patient's timeline
   (page and its data), at each panel size. Flat cost = the clinic can grow.
2. Under gunicorn (2 workers) with wrk on loopback, at 500 patients: the dashboard next to a bare
   Django view on the same server in the same run.
"""

from __future__ import annotations

import os

from benchmarks.bench_http import session_cookie_for
from benchmarks.harness import (
    configure_django,
    gunicorn,
    throwaway_site,
    time_calls,
    write_results,
    wrk,
)

SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
PANELS = [int(n) for n in os.environ.get("BENCH_PANELS", "100,500,5000").split(",")]
WRK_AT = int(os.environ.get("BENCH_PANEL", "500"))
DAYS = 365


def add_patients(count: int, start: int) -> None:
    """`count` more patients of the demo clinic, each with a year of daily check-ins, a medicine,
    and flags for a quarter and plans for half (bulk inserts)."""
    from taperwell.clinics.models import Clinic, Membership
    from taperwell.demo.panel import panel_bulk_create
    from taperwell.tapering.models import TaperPlan
    from taperwell.tapering.services import local_today

    clinic = Clinic.objects.get(slug="riverside")
    template = TaperPlan.objects.filter(status="approved").first()
    panel_bulk_create(
        clinic=clinic,
        size=count,
        days=DAYS,
        today=local_today(clinic),
        doctor=Membership.objects.get(user__email="clinician@example.org"),
        schedule=template.schedule if template is not None else None,
        inputs=template.inputs if template is not None else None,
        first_number=start,
    )


def measure_in_process(panel: int) -> list[dict[str, object]]:
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from taperwell.patients.models import Patient

    # Count every statement of a request: keep the log from being reset when a request starts.
    request_started.disconnect(reset_queries)
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies.load(session_cookie_for("clinician@example.org"))
    someone = Patient.objects.filter(full_name__startswith="Bench Patient").order_by("pk")[0]
    pages = [
        ("triage dashboard, my patients (page of 50)", reverse("care:dashboard")),
        ("triage dashboard, whole clinic", reverse("care:dashboard") + "?scope=all"),
        ("patient timeline page", reverse("care:timeline", args=[someone.public_id])),
        ("patient timeline data (a year)", reverse("care:timeline_data", args=[someone.public_id])),
    ]
    rows = []
    for label, url in pages:

        def get(url: str = url) -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        get()
        with CaptureQueriesContext(connection) as queries:
            get()
        count = len(queries)
        timing = time_calls(get, repeat=15, warmup=2)
        rows.append(
            {
                "page": label,
                "patients": panel,
                "check_ins": panel * DAYS,
                "median_ms": timing["median_ms"],
                "p90_ms": timing["p90_ms"],
                "queries": count,
            }
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    rows: list[dict[str, object]] = []
    http_rows: list[dict[str, object]] = []
    with throwaway_site(TAPERWELL_REQUIRE_STAFF_MFA="false") as env:
        configure_django(env)
        have = 0
        for panel in sorted(PANELS):
            add_patients(panel - have, have)
            have = panel
            rows += measure_in_process(panel)
            if panel == WRK_AT:
                http_rows = measure_http(env)
    write_results(
        "dashboard",
        rows,
        notes=[
            f"In-process: Django test client through the whole middleware stack, SQLite (WAL), "
            f"median of 15 warm requests; each patient has {DAYS} daily check-ins, a medicine, "
            "flags for a quarter and plans for half. queries = SQL statements for one request "
            "(including the session and audit rows).",
            "Aim: dashboard for 500 patients under 100 ms median, and cost flat as the clinic "
            "grows (the dashboard shows 50 patients a page; the timeline reads one patient).",
        ],
    )
    path = write_results(
        "dashboard_http",
        http_rows,
        notes=[
            f"{WRK_AT} patients with a year of daily check-ins each. gunicorn, 2 sync workers, "
            f"SQLite (WAL); wrk 2 threads, 8 connections, {SECONDS} s, on the same 2 cores.",
            "vs_baseline = requests per second divided by the bare view's (same server, same run).",
        ],
    )
    print((path.parent / "dashboard.md").read_text())
    print(path.read_text())


def measure_http(env: dict[str, str]) -> list[dict[str, object]]:
    cookie = session_cookie_for("clinician@example.org")
    with gunicorn(env, workers=2) as base:
        bare = wrk(f"{base}/bench/bare", seconds=SECONDS)
        rows: list[dict[str, object]] = [
            {"page": "bare Django view (baseline)", **bare, "vs_baseline": 1.0}
        ]
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
    return rows


if __name__ == "__main__":
    main()
