"""Command-line front end of the clinical core (placeholder until the commands land)."""

from __future__ import annotations

import argparse
from typing import Any

COMMAND_NAMES: tuple[str, ...] = ()


def add_commands(subparsers: Any) -> None:
    """Add the clinical subcommands to the `taperwell` parser."""
    _ = argparse
