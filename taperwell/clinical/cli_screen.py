"""The `screen` command: risk language in a piece of text.

    taperwell screen [--language en|es] TEXT...
    taperwell screen [--language en|es] -        (the text from stdin)

Prints `{"risk": "none"|"possible"|"high", "matched": [...]}` (see `risk_language`), exit 0.
The text is plain text, not JSON. Several words without quotes are read as one text.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from taperwell.clinical.cli_io import fail, print_json
from taperwell.clinical.risk_language import LANGUAGES, screen
from taperwell.clinical.taper_input import BadInput

COMMAND_NAMES: tuple[str, ...] = ("screen",)


def add_commands(subparsers: Any) -> None:
    """Add `screen` to the `taperwell` parser."""
    parser = subparsers.add_parser(
        "screen",
        help="screen text for risk language (thoughts of suicide or self-harm)",
        description=(
            "Screen a post, message or note for risk language, English and Spanish. "
            "Prints the risk (none, possible, high) and each phrase matched with its category."
        ),
    )
    parser.add_argument(
        "--language",
        metavar="|".join(LANGUAGES),
        help="the text's language (default: try every language)",
    )
    parser.add_argument("text", metavar="TEXT", nargs="+", help="the text, or - for stdin")
    parser.set_defaults(func=run_screen)


def run_screen(args: argparse.Namespace) -> int:
    try:
        text = _text(args.text)
    except BadInput as error:
        fail(str(error))
    print_json(screen(text, language=args.language).as_dict())
    return 0


def _text(words: list[str]) -> str:
    if words == ["-"]:
        try:
            return sys.stdin.read()
        except (OSError, UnicodeDecodeError) as error:
            raise BadInput(f"cannot read stdin: {error}") from error
    return " ".join(words)
