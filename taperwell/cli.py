"""The `taperwell` command: clinical calculations and the clinic's own management commands.

Clinical subcommands (mme, review, score, taper, bumps) are pure and need no database.
Every other subcommand is handed to Django's management commands (`taperwell migrate`,
`taperwell load_demo`, `taperwell runworker`, ...).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from taperwell.clinical import cli as clinical_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taperwell",
        description=(
            "taperwell: opioid taper planning, coping skills and care-team tools "
            "for a pain clinic. "
            "Clinical commands read JSON (a file path or - for stdin) and print JSON. "
            "Any other command is a Django management command (for example: "
            "taperwell migrate, taperwell load_demo, taperwell runworker)."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    clinical_cli.add_commands(subparsers)
    subparsers.add_parser(
        "manage", help="run a Django management command (taperwell manage --help)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    clinical = set(clinical_cli.COMMAND_NAMES)
    if not args_list or args_list[0] in {"-h", "--help"} or args_list[0] in clinical:
        args = parser.parse_args(args_list)
        if args.command is None:
            parser.print_help()
            return 0
        return int(args.func(args))
    if args_list[0] == "manage":
        args_list = args_list[1:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taperwell.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["taperwell", *args_list])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
