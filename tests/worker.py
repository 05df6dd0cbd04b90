"""A real huey worker process for the job tests (not the in-process immediate mode).

On SQLite the test database lives in memory, so a test copies it to a file the worker can open
(`hand_over`), lets the worker run, and copies the result back (`take_back`). On PostgreSQL the
worker opens the test database itself. Settings: tests/connection/worker_settings.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

ROOT = Path(__file__).resolve().parents[1]
SQLITE = connection.vendor == "sqlite"
QUEUE_NAME = "taperwell-test"  # the HUEY name in worker_settings
THREADS = 2  # worker threads in each process (worker_settings), each with its catch-up sweep
# Short enough for a test to wait out, longer than a cold export build in a worker (about 2 s).
EXPORT_STALE_CLAIM_SECONDS = 6


def zone_at_one_pm() -> tuple[str, dt.datetime]:
    """A time zone where it is now early afternoon, so no reminder a test sets crosses midnight."""
    now = timezone.now()
    offset = (13 - now.hour + 12) % 24 - 12  # -12..11
    name = "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
    return name, now.astimezone(zoneinfo.ZoneInfo(name))


def hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


class Worker:
    """The database as the worker sees it, its queue, and the worker processes themselves."""

    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.emails = tmp_path / "emails"
        self.emails.mkdir()
        self.media = tmp_path / "media"
        self.db_file = tmp_path / "db.sqlite3"
        self.queue = SqliteStorage(QUEUE_NAME, filename=str(tmp_path / "huey.sqlite3"))
        self.procs: list[subprocess.Popen] = []
        self.started = 0
        self.live: list[int] = []  # the log numbers of the running processes

    def _database_url(self) -> str:
        if SQLITE:
            return f"sqlite:///{self.db_file}"
        s = connection.settings_dict
        return (
            f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )

    def hand_over(self) -> None:
        if SQLITE:
            connection.ensure_connection()
            target = sqlite3.connect(self.db_file)
            connection.connection.backup(target)
            target.close()

    def take_back(self) -> None:
        if SQLITE:
            source = sqlite3.connect(self.db_file)
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()

    def start(self, count: int = 1, *, periodic: bool = True) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.connection.worker_settings",
            "DATABASE_URL": self._database_url(),
            "TAPERWELL_TEST_HUEY_FILE": self.queue.filename,
            "TAPERWELL_TEST_EMAIL_DIR": str(self.emails),
            "TAPERWELL_TEST_MEDIA_DIR": str(self.media),
            "TAPERWELL_TEST_EXPORT_STALE_MINUTES": str(EXPORT_STALE_CLAIM_SECONDS / 60),
            "PYTHONPATH": str(ROOT),
        }
        for _ in range(count):
            log = (self.dir / f"worker-{self.started}.log").open("w")
            self.live.append(self.started)
            self.started += 1
            self.procs.append(
                subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "django", "run_huey"]
                    + ([] if periodic else ["--no-periodic"]),
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def enqueue(self, task: Any) -> None:
        """Put a job on the worker's queue, as the web process does (`task.s(...)` makes one)."""
        self.queue.enqueue(HUEY.serialize_task(task), task.priority)

    def queued_jobs(self) -> list[str]:
        """Names of the jobs waiting on the queue (a worker takes a job off when it starts it)."""
        return [HUEY.serializer.deserialize(data).name for data in self.queue.enqueued_items()]

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows from the database the worker writes to, read while it runs."""
        if SQLITE:
            db = sqlite3.connect(self.db_file, timeout=10)
            try:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
            except sqlite3.OperationalError:  # the worker is creating or locking the file
                return []
            finally:
                db.close()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def wait_until(
        self, condition: Callable[[], bool], *, timeout: float, every: float = 0.3
    ) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(every)
        return condition()

    def is_idle(self) -> bool:
        """Nothing left to do: in each running process every thread has finished its start-up
        catch-up sweep, every job taken has finished (its "executed" or failure line names its
        id again), and no job waits on the queue."""
        if self.queued_jobs():
            return False
        for number in self.live:
            text = self.log(number)
            caught_up = text.count("catch-up sweep finished") + len(
                re.findall(r'startup hook "catch_up_after_a_break" failed', text)
            )
            if caught_up < THREADS:
                return False
            for job_id in re.findall(r"Executing \S+: (\S+)", text):
                if text.count(job_id) < 2:
                    return False
        return True

    def wait_until_idle(self, *, timeout: float = 60) -> None:
        """Wait on the condition, not on time: once idle, anything a worker would still do
        (a duplicate reminder, a second build) has already been done."""
        assert self.wait_until(self.is_idle, timeout=timeout), self.logs()

    def kill(self) -> None:
        """`kill -9` every worker process: its threads die with it, mid-job, with no clean-up."""
        for proc in self.procs:
            os.kill(proc.pid, signal.SIGKILL)
        for proc in self.procs:
            proc.wait()
        self.procs = []
        self.live = []

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []
        self.live = []

    def log(self, number: int) -> str:
        return (self.dir / f"worker-{number}.log").read_text()

    def logs(self) -> str:
        return "\n".join(self.log(n) for n in range(self.started))

    def email_subjects(self) -> list[str]:
        lines = []
        for file in self.emails.glob("*"):
            lines += [x for x in file.read_text().splitlines() if x.startswith("Subject: ")]
        return lines

    def emails_sent(self) -> list[tuple[str, str]]:
        """(To, Subject) of every email the workers wrote (one file per send, messages split by
        a line of dashes)."""
        sent = []
        for file in self.emails.glob("*"):
            for message in file.read_text().split("-" * 79):
                headers = dict(line.split(": ", 1) for line in message.splitlines() if ": " in line)
                if "To" in headers:
                    sent.append((headers["To"], headers.get("Subject", "")))
        return sent
