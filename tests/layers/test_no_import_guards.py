"""Our own apps are always installed: an import that fails must crash, never be caught and turned
into a log line (as "self-harm flag NOT raised" once could have been)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from taperwell.checkins import care_links

ROOT = Path(__file__).resolve().parents[2] / "taperwell"
GUARD = re.compile(r"except\s*\(?[^:\n]*\bImportError\b")


def test_no_module_of_ours_catches_an_import_error():
    guards = [
        f"{path.relative_to(ROOT.parent)}:{number}"
        for path in ROOT.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if GUARD.search(line)
    ]
    assert guards == []


def test_the_guard_pattern_finds_the_guards_it_is_meant_to_find():
    assert GUARD.search("    except ImportError:")
    assert GUARD.search("    except (ImportError, AttributeError):")
    assert not GUARD.search("    except ValueError:")


@pytest.mark.django_db
def test_a_self_harm_answer_raises_the_flag_or_fails_loudly(patient, monkeypatch):
    import taperwell.care.services as care_services

    monkeypatch.delattr(care_services, "flag_raise")
    with pytest.raises(ImportError):
        care_links.raise_self_harm_flag(
            patient=patient, day=date(2026, 1, 5), reason="test", source="check-in"
        )
