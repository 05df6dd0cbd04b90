"""`make bench-before-after [BEFORE=21a6457]`: the signed-in patient pages, the code at BEFORE and
this checkout, measured on the same machine in the same minutes.

- BEFORE is checked out in a temporary git worktree and given this checkout's benchmark files.
  Its sessions name the sign-in backend it had (`django.contrib.auth.backends.ModelBackend`).
- One demo site is made by the BEFORE code and copied; the copy is migrated by this checkout, so
  both sides read the same rows (the measured patient, Maria, in English on both).
- `benchmarks/bench_pages.py` runs on each side in turn, ROUNDS times (before, after, before,
  ...), each a fresh process; a page's figure is the median of its rounds' medians.

Writes benchmarks/results/before_after.json and .md. CPU time of the measuring process is read,
steadier than wall time on a shared machine; the ratios matter more than the milliseconds.
"""

from __future__ import annotations

import ast
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import PYTHON, RESULTS, ROOT, manage, site_env, write_results

BEFORE = os.environ.get("BEFORE", "21a6457")
ROUNDS = int(os.environ.get("ROUNDS", "3"))
REPEAT = os.environ.get("BENCH_REPEAT", "150")
BENCH_FILES = [
    "bench_pages.py",
    "bench_http.py",
    "baseline_urls.py",
    "bench_settings.py",
    "harness.py",
]
OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def checkout_before(folder: Path) -> None:
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(folder), BEFORE],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    for name in BENCH_FILES:
        shutil.copy(ROOT / "benchmarks" / name, folder / "benchmarks" / name)
    shutil.copytree(
        ROOT / "benchmarks" / "templates", folder / "benchmarks" / "templates", dirs_exist_ok=True
    )
    http = folder / "benchmarks" / "bench_http.py"
    text = http.read_text()
    http.write_text(
        text.replace('"taperwell.accounts.backends.PasswordBackend"', repr(OLD_BACKEND))
    )


# The measured patient reads English on both sides, as in today's demo. (The demo at 21a6457
# gave Maria Spanish, before there was a Spanish catalogue: her pages came out in English words
# there, while this checkout would word them, and her plan's steps, in Spanish.)
ENGLISH = (
    "from taperwell.patients.models import Patient; "
    "Patient.objects.filter(user__email='maria@example.org').update(preferred_language='en')"
)


def make_sites(before_code: Path, before_site: Path, after_site: Path) -> None:
    for command in (["migrate", "-v0"], ["createcachetable"], ["load_demo"]):
        manage(site_env(before_site), *command, code=before_code)
    manage(site_env(before_site), "shell", "-c", ENGLISH, code=before_code)
    shutil.copytree(before_site, after_site, dirs_exist_ok=True)
    for code, site in ((before_code, before_site), (ROOT, after_site)):
        manage(site_env(site), "migrate", "-v0", code=code)
        manage(site_env(site), "collectstatic", "--noinput", "-v0", code=code)


def measure(code: Path, site: Path) -> list[dict[str, Any]]:
    env = {
        **os.environ,
        "BENCH_VAR_DIR": str(site),
        "BENCH_WRITE": "0",
        "BENCH_REPEAT": REPEAT,
        "PYTHONPATH": str(code),
    }
    run = subprocess.run(
        ["nice", PYTHON, "-m", "benchmarks.bench_pages"],
        env=env,
        cwd=code,
        check=True,
        capture_output=True,
        text=True,
    )
    return [ast.literal_eval(line) for line in run.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="taperwell-before-after-"))
    before_code, before_site, after_site = work / "code", work / "before", work / "after"
    before_site.mkdir()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        checkout_before(before_code)
        make_sites(before_code, before_site, after_site)
        runs: dict[str, list[list[dict[str, Any]]]] = {"before": [], "after": []}
        for _ in range(ROUNDS):
            runs["before"].append(measure(before_code, before_site))
            runs["after"].append(measure(ROOT, after_site))
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(before_code)], cwd=ROOT, check=False
        )
        shutil.rmtree(work, ignore_errors=True)
    rows = combine(runs)
    for row in rows:
        print(row)
    load = os.getloadavg()
    write_results(
        "before_after",
        rows,
        notes=[
            f"Before: the code at {BEFORE}; after: this checkout. Started {started}; load average "
            f"at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 minutes).",
            f"In-process (Django test client, every middleware, Maria's signed-in session), "
            f"{REPEAT} requests a page a round, {ROUNDS} rounds a side taken in turn; each figure "
            "is the median over rounds of a round's median CPU ms per request.",
            "cheaper_by = before / after. vs_signed_in = the signed-in baseline's CPU ms divided "
            "by the page's, in the same rounds (1.0: as cheap as the baseline).",
        ],
    )
    print((RESULTS / "before_after.md").read_text())


def combine(runs: dict[str, list[list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    def median_of(side: str, page: str, key: str) -> float:
        values = [row[key] for run in runs[side] for row in run if row["page"] == page]
        return round(statistics.median(values), 2)

    pages = [row["page"] for row in runs["after"][0]]
    base = {side: median_of(side, "signed-in baseline", "cpu_ms") for side in runs}
    rows = []
    for page in pages:
        before, after = median_of("before", page, "cpu_ms"), median_of("after", page, "cpu_ms")
        rows.append(
            {
                "page": page,
                "cpu_ms_before": before,
                "cpu_ms_after": after,
                "cheaper_by": round(before / after, 2),
                "queries_before": int(median_of("before", page, "queries")),
                "queries_after": int(median_of("after", page, "queries")),
                "vs_signed_in_before": round(base["before"] / before, 3),
                "vs_signed_in_after": round(base["after"] / after, 3),
            }
        )
    return rows


if __name__ == "__main__":
    main()
