"""Signals the check-in app sends to the care team's apps (which it never imports)."""

from __future__ import annotations

from django.dispatch import Signal

# A check-in or questionnaire was saved or marked entered-in-error, and the transaction that did
# it has committed. Argument: patient. The care app queues its bump rules.
checkin_saved = Signal()
