"""Shared tools for benchmarks: a throwaway site, a gunicorn server, wrk, and result files.

Every benchmark measures taperwell against a baseline in the same run and reports the ratio,
so the numbers mean something on any machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable


def site_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "TAPERWELL_ENV": "demo",
        "TAPERWELL_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    env.setdefault("DATABASE_URL", "")
    return env


def manage(env: dict[str, str], *command: str, code: Path = ROOT) -> None:
    """`taperwell <command>` for the site of `env`, run by the code in `code` (this checkout)."""
    subprocess.run(
        [PYTHON, "-m", "taperwell.cli", *command],
        env={**env, "PYTHONPATH": str(code)},
        check=True,
        capture_output=True,
        cwd=code,
    )


@contextlib.contextmanager
def throwaway_site(**extra: str) -> Iterator[dict[str, str]]:
    """A migrated site with the demo clinic, in a temporary folder (SQLite unless DATABASE_URL)."""
    var_dir = Path(tempfile.mkdtemp(prefix="taperwell-bench-"))
    env = site_env(var_dir, **extra)
    try:
        for command in (
            ["migrate", "-v0"],
            ["createcachetable"],
            ["collectstatic", "--noinput", "-v0"],
            ["load_demo"],
        ):
            manage(env, *command)
        yield env
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def configure_django(env: dict[str, str]) -> None:
    """Point this process at the same site as the server (to make sessions and data)."""
    os.environ.update(env)
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "taperwell.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


_LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_NON2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def wrk(
    url: str,
    *,
    seconds: int = 8,
    connections: int = 8,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> dict[str, float]:
    """Load `url` from loopback for a bounded time; requests per second and latency percentiles."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("benchmarks only load this machine's loopback address")
    command = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {f"p{p}": float(v) * scale[u] for p, v, u in _LATENCY.findall(output)}
    errors = _NON2XX.search(output)
    return {
        "requests_per_second": float(_RPS.search(output).group(1)),  # type: ignore[union-attr]
        "p50_ms": latency.get("p50", 0.0),
        "p90_ms": latency.get("p90", 0.0),
        "p99_ms": latency.get("p99", 0.0),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def time_calls(
    function: Callable[[], Any], *, repeat: int = 30, warmup: int = 3
) -> dict[str, float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": statistics.median(samples),
        "p90_ms": sorted(samples)[int(repeat * 0.9) - 1],
    }


def calls_per_second(function: Callable[[], Any], *, seconds: float = 2.0) -> float:
    function()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        function()
        count += 1
    return count / (time.perf_counter() - start)


def write_results(name: str, rows: list[dict[str, Any]], *, notes: list[str]) -> Path:
    """Write `results/<name>.json` and `results/<name>.md` (a short table)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"machine": machine, "rows": rows, "notes": notes}, indent=2)
    )
    columns = list(rows[0].keys())
    lines = [
        f"# {name}",
        "",
        f"Measured {machine['measured_at']} on {machine['cores']} cores, "
        f"Python {machine['python']}.",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row[c]) for c in columns) + " |")
    lines += ["", *notes, ""]
    path = RESULTS / f"{name}.md"
    path.write_text("\n".join(lines))
    return path


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
