"""Clinical subcommands (being written)."""

from __future__ import annotations

from typing import Any

COMMAND_NAMES: tuple[str, ...] = ()


def add_commands(subparsers: Any) -> None:
    """Add this module's subcommands to the `taperwell` parser."""
