"""`make load`: locust, headless, on loopback, bounded in time, against gunicorn (2 workers).

The demo clinic plus LOAD_PATIENTS signed-up patients (each with 60 days of check-ins) are made in
a throwaway site; every patient and clinician gets a signed-in session. Patients check in, answer
the PEG questionnaire and write messages while clinicians use the dashboard, timelines and
outcomes. The report goes to benchmarks/results/load_*.csv, load.html and load.md; the run fails
if any request failed.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from benchmarks.bench_http import session_key_for
from benchmarks.harness import (
    RESULTS,
    ROOT,
    configure_django,
    gunicorn,
    throwaway_site,
    write_results,
)

USERS = int(os.environ.get("LOAD_USERS", "60"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
PATIENTS = int(os.environ.get("LOAD_PATIENTS", "200"))


def add_patients() -> list[str]:
    """Signed-up patients with consent, a primary clinician and 60 days of check-ins."""
    from django.contrib.auth.hashers import make_password

    from taperwell.accounts.models import User
    from taperwell.checkins.models import CheckIn
    from taperwell.clinics.models import Clinic, Membership
    from taperwell.enrolment.models import Consent
    from taperwell.enrolment.services import CONSENT_VERSION
    from taperwell.patients.models import CareTeamMember, Patient
    from taperwell.tapering.services import local_today

    clinic = Clinic.objects.get(slug="riverside")
    today = local_today(clinic)
    doctor = Membership.objects.get(user__email="clinician@example.org")
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"load{n:04d}@example.org", password=unusable) for n in range(PATIENTS)
    )
    Membership.objects.bulk_create(Membership(user=u, clinic=clinic, role="patient") for u in users)
    patients = Patient.objects.bulk_create(
        Patient(user=u, clinic=clinic, full_name=f"Load Patient {n:04d}", status="active")
        for n, u in enumerate(users)
    )
    CareTeamMember.objects.bulk_create(
        CareTeamMember(patient=p, member=doctor, role="primary") for p in patients
    )
    Consent.objects.bulk_create(
        Consent(patient=p, text_version=CONSENT_VERSION, text_digest="0" * 64) for p in patients
    )
    CheckIn.objects.bulk_create(
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
        for d in range(1, 61)
    )
    return [u.email for u in users]


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with throwaway_site(TAPERWELL_REQUIRE_STAFF_MFA="false") as env:
        configure_django(env)
        from taperwell.patients.models import Patient

        emails = add_patients()
        sessions = {
            "patients": [session_key_for(e) for e in emails],
            "clinicians": [session_key_for(e) for e in ("clinician@example.org", "np@example.org")],
            "patient_ids": [
                str(p) for p in Patient.objects.values_list("public_id", flat=True)[:300]
            ],
        }
        session_file = Path(tempfile.mkstemp(suffix=".json")[1])
        session_file.write_text(json.dumps(sessions))
        with gunicorn(env, workers=2) as base:
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "benchmarks" / "locustfile.py"),
                    "--headless",
                    "--host",
                    base,
                    "--users",
                    str(USERS),
                    "--spawn-rate",
                    "10",
                    "--run-time",
                    f"{SECONDS}s",
                    "--stop-timeout",
                    "10",
                    "--csv",
                    str(RESULTS / "load"),
                    "--html",
                    str(RESULTS / "load.html"),
                    "--only-summary",
                ],
                env={**os.environ, "LOAD_SESSIONS": str(session_file)},
                cwd=ROOT,
                timeout=SECONDS + 120,
                check=False,
            )
    rows = []
    with (RESULTS / "load_stats.csv").open() as stats:
        for row in csv.DictReader(stats):
            rows.append(
                {
                    "request": f"{row['Type']} {row['Name']}".strip(),
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "max_ms": float(row["Max Response Time"] or 0),
                }
            )
    failures = (RESULTS / "load_failures.csv").read_text().strip().splitlines()[1:]
    server_errors = sum(
        int(r["Occurrences"])
        for r in csv.DictReader((RESULTS / "load_failures.csv").open())
        if r["Error"].lstrip("'\"").startswith(("5", "HTTPError('5"))
    )
    path = write_results(
        "load",
        rows,
        notes=[
            f"locust {USERS} users (4 patients : 1 clinician, 1-3 s between actions) for "
            f"{SECONDS} s against gunicorn, 2 sync workers, SQLite (WAL), on the same 2 cores "
            f"as locust; {PATIENTS} extra patients with 60 days of check-ins.",
            f"Failed requests: {sum(r['failures'] for r in rows if r['request'] != 'Aggregated')}"
            f" ({len(failures)} kinds); server errors (5xx): {server_errors}. "
            "Full report: load.html, load_stats.csv, load_failures.csv.",
        ],
    )
    print(path.read_text())
    return 1 if run.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
