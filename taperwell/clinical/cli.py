"""Command-line front end of the clinical core.

Each command reads JSON from a file path or `-` (stdin) and prints JSON on stdout (exit 0).
Bad input prints one clear line on stderr and exits with 2.
The commands themselves live in `cli_core` (mme, review, score) and `cli_taper` (taper, bumps).
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

EXIT_BAD_INPUT = 2


class BadInput(Exception):  # noqa: N818 - reads as what the person gave
    """Raised for input a command cannot use; the message is shown to the person as is."""


def read_json_input(path: str) -> Any:
    """Read a JSON document from a path, or from stdin when the path is `-`."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(f"{path} is not valid JSON: {error.msg} (line {error.lineno})") from error


def print_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def fail(message: str) -> NoReturn:
    sys.stderr.write(f"taperwell: error: {message}\n")
    raise SystemExit(EXIT_BAD_INPUT)


def _modules() -> list[Any]:
    from taperwell.clinical import cli_core, cli_taper

    return [cli_core, cli_taper]


COMMAND_NAMES: tuple[str, ...] = ("mme", "review", "score", "taper", "bumps")


def add_commands(subparsers: Any) -> None:
    """Add every clinical subcommand to the `taperwell` parser."""
    for module in _modules():
        module.add_commands(subparsers)
