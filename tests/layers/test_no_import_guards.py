"""Our own apps are always installed: an import that fails must crash, never be caught and turned
into a log line (as "self-harm flag NOT raised" once could have been)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from taperwell.care.models import Flag
from taperwell.care.receivers import store_requested_flag
from taperwell.checkins import care_links
from taperwell.patients.signals import flag_requested

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
def test_a_self_harm_answer_raises_the_flag_or_fails_loudly(patient):
    """The check-in app asks for the flag with a signal; with nobody receiving it, it fails."""
    assert flag_requested.disconnect(store_requested_flag)
    try:
        with pytest.raises(ImproperlyConfigured):
            care_links.raise_self_harm_flag(
                patient=patient, day=date(2026, 1, 5), reason="test", source="check-in"
            )
    finally:
        flag_requested.connect(store_requested_flag)
    assert not Flag.objects.filter(patient=patient).exists()


@pytest.mark.django_db
def test_a_self_harm_answer_stores_the_urgent_flag_at_once(patient):
    care_links.raise_self_harm_flag(
        patient=patient, day=date(2026, 1, 5), reason="test", source="check-in"
    )
    flag = Flag.objects.get(patient=patient)
    assert (flag.rule, flag.severity, flag.day) == ("self-harm", "urgent", date(2026, 1, 5))
