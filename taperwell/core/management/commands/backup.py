from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from taperwell.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and uploaded files into a folder (default: var/backups/<time>)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", nargs="?", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        folder = options["folder"] or (
            Path(settings.VAR_DIR) / "backups" / timezone.now().strftime("%Y%m%d-%H%M%S")
        )
        try:
            result = backup_create(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written to {result.folder} ({result.database_file.name}, "
            f"{result.media_files} uploaded files)."
        )
