"""`taperwell catalogue`: refresh the translation catalogue of patient-facing strings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from taperwell.core.catalogue import compile_catalogue, make_messages


class Command(BaseCommand):
    help = (
        "Refresh taperwell/locale/<code>/LC_MESSAGES/django.po with every patient-facing string "
        "(staff-only pages are left out; see taperwell/core/catalogue.py)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--compile", action="store_true", help="only compile the .po files into .mo files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["compile"]:
            compile_catalogue(force=True)
            return
        make_messages()
        self.stdout.write("Catalogue refreshed: translate new and fuzzy entries, then commit it.")
