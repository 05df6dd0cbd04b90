"""Reading and writing for the clinical commands: JSON in from a path or stdin, JSON out on
stdout, and one clear line on stderr (exit 2) for input a command cannot use."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from taperwell.clinical.taper_input import BadInput

EXIT_BAD_INPUT = 2


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
