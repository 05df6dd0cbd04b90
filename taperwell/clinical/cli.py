"""Command-line front end of the clinical core.

Each command reads JSON from a file path or `-` (stdin) and prints JSON on stdout (exit 0).
Bad input prints one clear line on stderr and exits with 2.
The commands themselves live in `cli_core` (mme, review, score), `cli_taper` (taper, bumps) and
`cli_screen` (screen); they read and write through `cli_io`, and the taper documents are parsed by
the public `taper_input` (which the web app calls too). None of them imports this module.
"""

from __future__ import annotations

from typing import Any

from taperwell.clinical import cli_core, cli_screen, cli_taper
from taperwell.clinical.cli_io import EXIT_BAD_INPUT, fail, print_json, read_json_input
from taperwell.clinical.taper_input import BadInput

# Where they were first defined; the commands import them from `cli_io` and `taper_input`.
__all__ = [
    "COMMAND_NAMES",
    "EXIT_BAD_INPUT",
    "BadInput",
    "add_commands",
    "fail",
    "print_json",
    "read_json_input",
]


def _modules() -> list[Any]:
    return [cli_core, cli_taper, cli_screen]


COMMAND_NAMES: tuple[str, ...] = ("mme", "review", "score", "taper", "bumps", "screen")


def add_commands(subparsers: Any) -> None:
    """Add every clinical subcommand to the `taperwell` parser."""
    for module in _modules():
        module.add_commands(subparsers)
