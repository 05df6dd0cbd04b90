"""Serve taperwell: gunicorn (web) and the huey consumer (jobs), stopped together on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from taperwell.core.access_log import ACCESS_LOG_FORMAT
from taperwell.demo.clinic import DEMO_PASSWORD
from taperwell.demo.services import demo_sign_ins


class Command(BaseCommand):
    help = "Run the web server (gunicorn + whitenoise) and the background worker together."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Without its tables the web server answers every page with an error and the worker's
        # jobs fail over and over: say what to run instead.
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "The database is not set up yet. Run `make run` (it sets up, then serves), "
                "or `taperwell migrate` first."
            )
        address = f"{options['host']}:{options['port']}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "taperwell.settings",
            "SITE_URL": os.environ.get("SITE_URL", f"http://{address}"),
        }
        web = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            [
                sys.executable,
                "-m",
                "gunicorn",
                "taperwell.wsgi",
                "--bind",
                address,
                "--workers",
                str(options["web_workers"]),
                "--access-logfile",
                "-",
                # no tokens, query strings or Referer in the access log (core/access_log.py)
                "--logger-class",
                "taperwell.core.access_log.RedactingLogger",
                "--access-logformat",
                ACCESS_LOG_FORMAT,
                "--graceful-timeout",
                "5",
            ],
            env=env,
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "taperwell.cli", "run_huey"],
            env=env,
        )
        self._announce(address)
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        code = 0
        while not stopping:
            for name, process in (("web server", web), ("worker", worker)):
                if process.poll() is not None:
                    self.stderr.write(f"The {name} stopped (exit {process.returncode}); stopping.")
                    code = process.returncode or 1
                    stopping = True
            time.sleep(0.3)
        self.stdout.write("Stopping the web server and the worker...")
        for process in (web, worker):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("Stopped.")
        if code:
            raise SystemExit(code)

    def _announce(self, address: str) -> None:
        self.stdout.write("")
        self.stdout.write(f"taperwell is running at http://{address}/")
        if settings.DEMO_MODE:
            self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
            for email, who in demo_sign_ins():
                self.stdout.write(f"  {email:<26} {who}")
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.write("")
