"""Signals the taper app sends to the apps above it (which it never imports)."""

from __future__ import annotations

from django.dispatch import Signal

# The plan changed in a way the patient must hear about at once (a new plan approved, a
# treatment decision). Arguments: patient, key (unique per patient), title, body, url. The
# notifications app stores the notice in the sender's transaction: the patient never meets a
# change cold.
plan_changed = Signal()
