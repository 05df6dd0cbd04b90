"""No secret is kept in the repository: every tracked file is scanned."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The only passwords allowed in the repository: the demo clinic's (printed on purpose) and the
# test personas'. Neither opens anything real.
DOCUMENTED = {"taperwell-demo", "a-long-test-password", "taperwell-demo-only-not-secret"}
# Placeholders in examples (`postgres://user:pass@host/db`) and in the settings parser's tests.
PLACEHOLDERS = {"pass", "password", "p%40ss", "secret", "PASSWORD"}

PATTERNS = {
    "a private key": re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    "an AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "a GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "a Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "a Stripe live key": re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}"),
    "a taperwell API token": re.compile(r"\btw_[A-Za-z0-9_-]{40,}"),
    "a password in a URL": re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:([^/\s:@'\"{}$<>]+)@"),
}
ASSIGNED = re.compile(
    r"""(?i)\w*(?:password|passwd|secret_key|secret|api_key|token)\w*\s*[:=]\s*["']([^"'\s]{6,})["']"""
)


def _tracked() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout
    except (FileNotFoundError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout (the scan needs `git ls-files`)")
    return [ROOT / name for name in out.decode().split("\0") if name]


def _text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:4096]:
        return None  # binary
    return data.decode("utf-8", errors="replace")


def test_the_scan_reads_the_code_and_would_find_a_planted_key():
    files = _tracked()
    assert any(p.name == "settings.py" for p in files)
    # Planted values are assembled at run time, so this file itself holds none.
    planted = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE...\n"
    assert PATTERNS["a private key"].search(planted)
    assert ASSIGNED.search("EMAIL_HOST_PASSWORD = " + '"hunter2' + '-real"')
    assert PATTERNS["a password in a URL"].search(
        "postgres://app:" + "s3cr3t@db.internal/taperwell"
    )


def test_no_tracked_file_holds_a_key_token_or_password():
    found = []
    for path in _tracked():
        text = _text(path)
        if text is None:
            continue
        name = path.relative_to(ROOT)
        for what, pattern in PATTERNS.items():
            for match in pattern.finditer(text):
                secret = match.group(1) if pattern.groups else match.group(0)
                if secret in DOCUMENTED | PLACEHOLDERS or secret.startswith(("{", "$", "<", "*")):
                    continue
                found.append(f"{name}: {what}: {match.group(0)[:60]!r}")
        for match in ASSIGNED.finditer(text):
            value = match.group(1)
            if value in DOCUMENTED | PLACEHOLDERS or value.startswith(("{", "$", "<", "%")):
                continue
            found.append(f"{name}: an assigned secret: {match.group(0)[:60]!r}")
    assert not found, "\n".join(found)
