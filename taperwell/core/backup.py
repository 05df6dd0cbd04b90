"""Backups a clinic can restore: the database (online, consistent) and uploaded files.

A backup is a folder holding `manifest.json`, the database (`database.sqlite3` made with
SQLite's online backup API, or `database.pgdump` from `pg_dump --format=custom`) and
`media.tar.gz` with uploaded files. Restoring replaces the database and the files with the
backup's; stop the web server and the worker first.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

DB_SQLITE = "database.sqlite3"
DB_POSTGRES = "database.pgdump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup could not be made or restored; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    database_file: Path
    media_files: int


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=3600)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (install postgresql-client)") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()[:500]}") from error


def backup_create(folder: Path, *, using: str = "default") -> BackupResult:
    folder.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        database_file = folder / DB_SQLITE
        database_file.unlink(missing_ok=True)
        target = sqlite3.connect(database_file)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        database_file = folder / DB_POSTGRES
        args, env = _pg_env(connection.settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(database_file), *args], env)
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    media_files = _pack_media(folder / MEDIA)
    manifest = {
        "made_at": timezone.now().isoformat(),
        "database": database_file.name,
        "vendor": connection.vendor,
        "media_files": media_files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return BackupResult(folder=folder, database_file=database_file, media_files=media_files)


def backup_restore(folder: Path, *, using: str = "default") -> dict[str, Any]:
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{folder} is not a taperwell backup (no {MANIFEST})")
    manifest = json.loads(manifest_path.read_text())
    connection = connections[using]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"this backup is of a {manifest['vendor']} database; this site uses {connection.vendor}"
        )
    source = folder / manifest["database"]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        backup = sqlite3.connect(source)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
    else:
        connection.close()
        args, env = _pg_env(connection.settings_dict)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                str(source),
            ],
            env,
        )
    _unpack_media(folder / MEDIA)
    return manifest


def _pack_media(target: Path) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if media_root.exists():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media_root)))
                    count += 1
    return count


def _unpack_media(source: Path) -> None:
    if not source.exists():
        return
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.rmtree(media_root)
    media_root.mkdir(parents=True)
    with tarfile.open(source, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
