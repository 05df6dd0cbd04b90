"""Scale run on PostgreSQL 15: 10,000 patients in 20 clinics, a year of daily check-ins and
questionnaires each, then the dashboard, the timeline, clinic outcomes and the reminder sweep
are timed, and `EXPLAIN (ANALYZE, BUFFERS)` of each page's slowest statements is recorded.

A throwaway PostgreSQL cluster is started on a free loopback port (initdb as the postgres user,
like .ci/run) and removed at the end; set DATABASE_URL to use an existing empty database instead.
Rows are generated inside PostgreSQL (INSERT ... SELECT over generate_series), so loading takes
minutes, not hours, on 2 cores.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.harness import PYTHON, RESULTS, configure_django, free_port, site_env, time_calls

PATIENTS = int(os.environ.get("SCALE_PATIENTS", "10000"))
CLINICS = int(os.environ.get("SCALE_CLINICS", "20"))
DAYS = 365
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
BIG_TABLES = (
    "checkins_checkin",
    "checkins_questionnaireresponse",
    "patients_patient",
    "audit_auditevent",
    "care_flag",
    "notifications_notification",
    "patients_careteammember",
)


def _as_postgres(command: str) -> None:
    if os.geteuid() == 0:
        subprocess.run(["su", "postgres", "-c", command], check=True, capture_output=True)
    else:
        subprocess.run(["sh", "-c", command], check=True, capture_output=True)


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    data = Path(tempfile.mkdtemp(prefix="taperwell-pg-"))
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    _as_postgres(f"{PG_BIN}/initdb -D {data} -A trust -U postgres --no-sync")
    # fsync off: this cluster is thrown away; it speeds up loading, not the timed reads.
    _as_postgres(
        f"{PG_BIN}/pg_ctl -D {data} -o '-p {port} -k /tmp -F -c shared_buffers=256MB' "
        f"-l {data}/log -w start"
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        _as_postgres(f"{PG_BIN}/pg_ctl -D {data} -m immediate stop")
        shutil.rmtree(data, ignore_errors=True)


def prepare_site(env: dict[str, str]) -> None:
    for command in (
        ["migrate", "-v0"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_demo"],
    ):
        subprocess.run(
            [PYTHON, "-m", "taperwell.cli", *command],
            env=env,
            check=True,
            capture_output=True,
        )


def generate() -> dict[str, float]:
    """20 clinics of 500 patients (signed-up users with consent and a primary clinician), a year of
    daily check-ins, a PEG every 2 weeks and a PHQ-9 every 4 weeks, medicines, flags, plans."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from taperwell.accounts.models import User
    from taperwell.care.models import Flag
    from taperwell.clinics.models import Clinic, Membership
    from taperwell.enrolment.models import Consent
    from taperwell.enrolment.services import CONSENT_VERSION
    from taperwell.medications.models import PatientMedication
    from taperwell.patients.models import CareTeamMember, Patient
    from taperwell.tapering.models import TaperPlan

    timings: dict[str, float] = {}
    start = time.perf_counter()
    demo = Clinic.objects.get(slug="riverside")
    clinics = [demo]
    clinics += Clinic.objects.bulk_create(
        Clinic(
            name=f"Scale Clinic {n:02d}",
            slug=f"scale-{n:02d}",
            time_zone=demo.time_zone,
            jurisdiction=demo.jurisdiction,
            guideline_pack=demo.guideline_pack,
        )
        for n in range(1, CLINICS)
    )
    unusable = make_password(None)
    doctors = [Membership.objects.get(user__email="clinician@example.org")]
    for clinic in clinics[1:]:
        user = User.objects.create(email=f"doctor@{clinic.slug}.example.org", password=unusable)
        doctors.append(Membership.objects.create(user=user, clinic=clinic, role="clinician"))
    per_clinic = PATIENTS // CLINICS
    users = User.objects.bulk_create(
        User(email=f"scale{n:05d}@example.org", password=unusable) for n in range(PATIENTS)
    )
    Membership.objects.bulk_create(
        Membership(user=u, clinic=clinics[n // per_clinic], role="patient")
        for n, u in enumerate(users)
    )
    patients = Patient.objects.bulk_create(
        (
            Patient(
                user=u,
                clinic=clinics[n // per_clinic],
                full_name=f"Scale Patient {n:05d}",
                status="active",
            )
            for n, u in enumerate(users)
        ),
        batch_size=2000,
    )
    timings["people_s"] = time.perf_counter() - start
    ids = [p.pk for p in patients]
    template = TaperPlan.objects.filter(status="approved").first()
    step = time.perf_counter()
    doctor_of = {d.clinic_id: d for d in doctors}
    CareTeamMember.objects.bulk_create(
        (
            CareTeamMember(patient=p, member=doctor_of[p.clinic_id], role="primary")
            for p in patients
        ),
        batch_size=2000,
    )
    Consent.objects.bulk_create(
        (Consent(patient=p, text_version=CONSENT_VERSION, text_digest="0" * 64) for p in patients),
        batch_size=2000,
    )
    PatientMedication.objects.bulk_create(
        (
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
        ),
        batch_size=2000,
    )
    Flag.objects.bulk_create(
        (
            Flag(
                patient=p,
                rule="pain-worse",
                severity="moderate",
                rank=2,
                reason="Pain up",
                day=timezone.localdate(),
                source="bump-rules",
            )
            for p in patients[::4]
        ),
        batch_size=2000,
    )
    if template is not None:
        TaperPlan.objects.bulk_create(
            (
                TaperPlan(
                    patient=p, status="approved", schedule=template.schedule, inputs=template.inputs
                )
                for p in patients[::2]
            ),
            batch_size=2000,
        )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE scale_ids (id bigint PRIMARY KEY, n int)")
        cursor.executemany(
            "INSERT INTO scale_ids VALUES (%s, %s)", [(i, n) for n, i in enumerate(ids)]
        )
        timings["care_teams_s"] = time.perf_counter() - step
        step = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO checkins_checkin (public_id, patient_id, day, pain, sleep, mood, withdrawal,
                craving, withdrawal_signs, activity_text, prn_doses, note, status, submitted_at,
                updated_at)
            SELECT gen_random_uuid(), s.id, current_date - d, 3 + (s.n + d) %% 5, 6, 6,
                (s.n * 7 + d) %% 4, 1, '[]'::jsonb, '', 0, '', 'current', now(), now()
            FROM scale_ids s CROSS JOIN generate_series(0, %s) AS d
            """,
            [DAYS - 1],
        )
        timings["checkins_s"] = time.perf_counter() - step
        step = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO checkins_questionnaireresponse (public_id, patient_id, instrument,
                instrument_version, day, answers, total, band, flags, status, completed_at)
            SELECT gen_random_uuid(), s.id, 'peg', 'PEG (Krebs 2009)', current_date - d,
                jsonb_build_array(5 + s.n %% 3, 5, 5), (15 + s.n %% 3) / 3.0, '', '[]'::jsonb,
                'current', now()
            FROM scale_ids s CROSS JOIN generate_series(0, %s, 14) AS d
            UNION ALL
            SELECT gen_random_uuid(), s.id, 'phq9', 'PHQ-9 (Kroenke 2001)', current_date - d,
                '[1,1,1,1,1,0,0,0,0]'::jsonb, 5, 'mild', '[]'::jsonb, 'current', now()
            FROM scale_ids s CROSS JOIN generate_series(0, %s, 28) AS d
            """,
            [DAYS - 1, DAYS - 1],
        )
        timings["questionnaires_s"] = time.perf_counter() - step
        step = time.perf_counter()
        # What autovacuum does in a running system: statistics, and the visibility map that lets
        # the planner use index-only scans.
        cursor.execute("VACUUM (ANALYZE)")
        timings["rest_s"] = time.perf_counter() - step
    timings["total_load_s"] = time.perf_counter() - start
    return timings


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        sizes = {}
        for table in BIG_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            sizes[table] = cursor.fetchone()[0]
    return sizes


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure_pages() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from benchmarks.bench_http import session_cookie_for
    from taperwell.patients.models import Patient

    request_started.disconnect(reset_queries)
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies.load(session_cookie_for("clinician@example.org"))
    someone = Patient.objects.filter(full_name="Scale Patient 00000").get()
    pages = [
        ("triage dashboard, my patients (page of 50)", reverse("care:dashboard")),
        ("triage dashboard, whole clinic", reverse("care:dashboard") + "?scope=all"),
        ("patient timeline page", reverse("care:timeline", args=[someone.public_id])),
        ("patient timeline data (a year)", reverse("care:timeline_data", args=[someone.public_id])),
        ("clinic outcomes, 90 days", reverse("care:outcomes")),
        ("clinic outcomes, a year", reverse("care:outcomes") + "?days=365"),
    ]
    rows, plans = [], []
    for label, url in pages:

        def get(url: str = url) -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        get()
        reset_queries()  # the log holds at most 9,000 statements; start each page empty
        with CaptureQueriesContext(connection) as queries:
            get()
        captured = list(queries.captured_queries)
        timing = time_calls(get, repeat=10, warmup=1)
        rows.append({"what": label, **timing, "queries": len(captured)})
        print(rows[-1], flush=True)
        slowest = sorted(
            (q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")),
            key=lambda q: float(q["time"]),
            reverse=True,
        )[:3]
        for query in slowest:
            plan = explain(query["sql"])
            plans.append(
                {
                    "page": label,
                    "sql": query["sql"],
                    "plan": plan,
                    "seq_scan_on_big_table": [
                        t for t in BIG_TABLES if f"Seq Scan on {t} " in plan + " "
                    ],
                }
            )
    return rows, plans


FULL_SWEEP_BUDGET_S = float(os.environ.get("SCALE_FULL_SWEEP_BUDGET_S", "120"))


def _timed_sweep(label: str, ids: list[int] | None, scope: str) -> dict[str, Any]:
    """One real pass of the sweep: wall time, every statement counted."""
    import io

    from django.db import connection

    from taperwell.notifications.reminders import (
        CHUNK_SIZE,
        patients_to_remind,
        send_due_reminders_now,
    )

    patients = patients_to_remind(ids).count()
    chunks = -(-patients // CHUNK_SIZE)
    statements: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    start = time.perf_counter()
    with (
        connection.execute_wrapper(count),
        contextlib.redirect_stdout(io.StringIO()),  # the console email backend
    ):
        counts = send_due_reminders_now(patient_ids=ids)
    seconds = time.perf_counter() - start
    reads = sum(1 for sql in statements if sql.lstrip().upper().startswith("SELECT"))
    row = {
        "what": f"reminder sweep, {label}, {scope}",
        "median_ms": seconds * 1000,
        "p90_ms": seconds * 1000,
        "queries": len(statements),
        "result": f"{counts}; {patients:,} patients in {chunks} chunks of up to {CHUNK_SIZE}: "
        f"{seconds / patients * 1000:.2f} ms per patient; {reads / chunks:.1f} reads per chunk "
        f"and {len(statements) - reads} writes (a claim per new notice, a mark per email)",
    }
    print(row, flush=True)
    return row


def measure_sweep() -> list[dict[str, Any]]:
    """The reminder sweep, timed for real: a pass over one clinic's patients (one chunk), then over
    every patient when the clinic's quiet pass says it fits FULL_SWEEP_BUDGET_S
    (SCALE_FULL_SWEEP=1 runs it anyway, =0 never)."""
    from taperwell.clinics.models import Clinic
    from taperwell.notifications.reminders import patients_to_remind

    clinic = Clinic.objects.get(slug="scale-01")
    ids = list(patients_to_remind().filter(clinic=clinic).values_list("pk", flat=True))
    scope = f"one clinic ({len(ids)} patients)"
    rows = [
        _timed_sweep("first run (sends)", ids, scope),
        _timed_sweep("next minute (nothing new)", ids, scope),
    ]
    total = patients_to_remind().count()
    quiet_seconds = rows[-1]["median_ms"] / 1000
    expected = quiet_seconds / max(len(ids), 1) * total
    wanted = os.environ.get("SCALE_FULL_SWEEP")
    if wanted == "1" or (wanted != "0" and expected * 2 <= FULL_SWEEP_BUDGET_S):
        scope = f"every patient ({total:,})"
        rows += [
            _timed_sweep("first run (sends; one clinic done already)", None, scope),
            _timed_sweep("next minute (nothing new)", None, scope),
        ]
    else:
        print(f"full sweep skipped: about {expected:,.0f} s per pass", flush=True)
    return rows


def write(rows: list[dict[str, Any]], plans: list[dict[str, Any]], facts: dict[str, Any]) -> None:
    import json

    RESULTS.mkdir(parents=True, exist_ok=True)
    measured = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (RESULTS / "scale.json").write_text(
        json.dumps(
            {
                "measured_at": measured,
                "cores": os.cpu_count(),
                **facts,
                "rows": rows,
                "plans": plans,
            },
            indent=2,
            default=str,
        )
    )
    lines = [
        "# scale (PostgreSQL 15)",
        "",
        f"Measured {measured} on {os.cpu_count()} cores. {facts['patients']:,} patients in "
        f"{facts['clinics']} clinics; the signed-in clinician's clinic has "
        f"{facts['patients'] // facts['clinics']:,} patients.",
        "",
        "Rows: " + ", ".join(f"{t} {n:,}" for t, n in facts["sizes"].items()) + ".",
        "",
        "Loading (seconds): " + ", ".join(f"{k} {v:.1f}" for k, v in facts["load"].items()) + ".",
        "",
        "| what | median_ms | p90_ms | queries | notes |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['what']} | {row['median_ms']:,.1f} | {row['p90_ms']:,.1f} | "
            f"{row['queries']} | {row.get('result', '')} |"
        )
    lines += [
        "",
        "Pages: Django test client through the whole middleware stack, median of 10 warm requests "
        "(queries include the session and audit rows). Reminder sweep: timed once per run.",
        "",
        "## EXPLAIN (ANALYZE, BUFFERS) of each page's three slowest statements",
        "",
    ]
    scans = [p for p in plans if p["seq_scan_on_big_table"]]
    lines.append(
        "Sequential scans on a big table: "
        + (", ".join(f"{p['page']}: {p['seq_scan_on_big_table']}" for p in scans) or "none")
        + "."
    )
    for plan in plans:
        lines += ["", f"### {plan['page']}", "", "```sql", plan["sql"][:1500], "```", "", "```"]
        lines += [plan["plan"], "```"]
    (RESULTS / "scale.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    with throwaway_postgres() as url:
        var_dir = Path(tempfile.mkdtemp(prefix="taperwell-scale-"))
        env = site_env(var_dir, DATABASE_URL=url, TAPERWELL_REQUIRE_STAFF_MFA="false")
        try:
            prepare_site(env)
            configure_django(env)
            load = generate()
            print("loaded", load, flush=True)
            sizes = table_sizes()
            rows, plans = measure_pages()
            rows += measure_sweep()
            write(
                rows,
                plans,
                {"patients": PATIENTS, "clinics": CLINICS, "load": load, "sizes": sizes},
            )
        finally:
            if "django" in __import__("sys").modules:
                from django.conf import settings

                if settings.configured:
                    from django.db import connections

                    connections.close_all()
            shutil.rmtree(var_dir, ignore_errors=True)
    print((RESULTS / "scale.md").read_text()[:4000])


if __name__ == "__main__":
    main()
