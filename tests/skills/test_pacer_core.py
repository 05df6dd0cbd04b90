"""The breathing pacer's timing module, tested directly with node's test runner."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "taperwell" / "skills" / "static" / "skills" / "pacer-core.js"
TESTS = Path(__file__).resolve().parent / "js" / "pacer-core.test.mjs"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_pacer_timing_module_passes_its_own_tests():
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [shutil.which("node"), "--test", str(TESTS)],
        env={**os.environ, "PACER_CORE": str(CORE)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
