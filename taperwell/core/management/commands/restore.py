from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from taperwell.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `taperwell backup` (stop the server and worker first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            answer = input("This replaces the whole database and uploaded files. Type 'restore': ")
            if answer.strip() != "restore":
                raise CommandError("Nothing was changed.")
        try:
            manifest = backup_restore(options["folder"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup made at {manifest['made_at']}.")
