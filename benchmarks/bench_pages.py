"""Signed-in patient pages in-process: the median cost of one request, and its queries.

Each page is requested through Django's test client (every middleware, the session cookie of a
real signed-in session, the real templates), many times, against two baselines measured in the
same run: the bare view (`/bench/bare`: one row, no session) and the signed-in baseline
(`/bench/signed-in`: the same middleware, role and consent check, the patient loaded through
`taperwell/access.py` with its audit row, a one-line template). The machine is shared, so the
ratios to the baselines are what counts, not the milliseconds.

`BENCH_VAR_DIR=/some/site` measures an existing migrated demo site instead of a throwaway one;
`BENCH_REPEAT` sets the repetitions (default 200).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.harness import configure_django, site_env, throwaway_site, write_results

REPEAT = int(os.environ.get("BENCH_REPEAT", "200"))
FORM_ENCODED = "application/x-www-form-urlencoded"
PATIENT = "maria@example.org"


@contextlib.contextmanager
def site() -> Iterator[dict[str, str]]:
    existing = os.environ.get("BENCH_VAR_DIR")
    if existing:
        yield site_env(Path(existing))
    else:
        with throwaway_site() as env:
            yield env


def checkin_body() -> dict[str, str]:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "pain": "5",
        "sleep": "6",
        "mood": "6",
        "withdrawal": "2",
        "craving": "1",
        "prn_doses": "0",
        "self_harm": "no",
        "overdose": "no",
        "naloxone_used": "no",
        "not_prescribed_opioids": "no",
        "activity": "",
        "activity_text": "",
        "note": "",
    }


def measure(request: Callable[[], Any], *, expect: int) -> dict[str, float]:
    from django.db import connection

    for _ in range(5):
        response = request()
        if response.status_code != expect:
            raise RuntimeError(f"expected {expect}, got {response.status_code}")
    # Counted by a wrapper: Django clears its own query log as each request starts.
    queries: list[str] = []

    def count(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        request()
    # CPU time of this process (the server's work: Python and SQLite, which runs in-process),
    # steadier than wall time on a machine shared with other work; wall time is kept beside it.
    cpu, wall = [], []
    for _ in range(REPEAT):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        request()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    return {
        "cpu_ms": round(statistics.median(cpu), 2),
        "wall_ms": round(statistics.median(wall), 2),
        "queries": len(queries),
    }


def pages() -> list[tuple[str, Callable[[], Any], int]]:
    from django.test import Client

    from benchmarks.bench_http import session_key_for

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = session_key_for(PATIENT)
    anonymous = Client(HTTP_HOST="127.0.0.1")
    return [
        ("bare Django view (baseline)", lambda: anonymous.get("/bench/bare"), 200),
        ("signed-in baseline", lambda: client.get("/bench/signed-in"), 200),
        ("Today (GET)", lambda: client.get("/today/"), 200),
        ("check-in form (GET)", lambda: client.get("/checkin/"), 200),
        # As a browser sends a form without files (and as bench_http's posts are sent).
        (
            "check-in submission (POST)",
            lambda: client.post("/checkin/", urlencode(checkin_body()), content_type=FORM_ENCODED),
            302,
        ),
        ("My medicines (GET)", lambda: client.get("/my-medicines/"), 200),
        ("Progress (GET)", lambda: client.get("/progress/"), 200),
    ]


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, request, expect in pages():
        rows.append({"page": name, **measure(request, expect=expect)})
    bare = rows[0]["cpu_ms"]
    signed_in = rows[1]["cpu_ms"]
    for row in rows:
        # A page's speed as a fraction of a baseline's: baseline cost / page cost.
        row["vs_bare"] = round(bare / row["cpu_ms"], 3)
        row["vs_signed_in"] = round(signed_in / row["cpu_ms"], 3)
    return rows


def main() -> None:
    with site() as env:
        configure_django(env)
        rows = run()
    for row in rows:
        print(row)
    if os.environ.get("BENCH_WRITE", "1") == "1":
        path = write_results(
            "pages",
            rows,
            notes=[
                f"In-process (Django test client, every middleware), {REPEAT} requests per page "
                f"after 5 warm-up requests; median CPU ms of this process per request (steady on a "
                "shared machine) and median wall ms; queries for one request.",
                "vs_bare / vs_signed_in = the baseline's median CPU cost divided by the page's "
                "(1.0: as cheap as the baseline). Aim: 0.5 or better against the signed-in one.",
            ],
        )
        print(path.read_text())


if __name__ == "__main__":
    main()
