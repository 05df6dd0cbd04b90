"""Signals from the patient's record to the care team's apps.

The record apps (check-ins, tapering, skills, ...) sit below care in the dependency order
(docs/architecture.md), so they never import it: they send these, and the care app receives them
in its AppConfig.ready(). Signals are synchronous, so the receiver runs in the sender's
transaction: a flag is stored with the check-in that raised it, or not at all.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

# A flag for the care team. Arguments: patient, rule, severity, reason, action, day, source and
# step_date (or None). The care app stores it once a rule a day.
flag_requested = Signal()

# A clinician's change to a taper plan answers one of the patient's flags. Arguments: plan,
# flag_id (the flag's public id), by, kind (a RevisionKind) and reason.
flag_answered_by_plan = Signal()

# Questions a record app asks of the care app; exactly one receiver answers.
# The rules among `rules` of the patient's open flags, most pressing first. Arguments: patient,
# rules.
open_flag_rules_asked = Signal()
# "Rule: reason" of the patient's flag with this public id, or None when it is not theirs.
# Arguments: patient, flag_id.
flag_words_asked = Signal()


def send_required(signal: Signal, *, sender: str, **arguments: Any) -> None:
    """Send `signal` to its receivers; with none connected, fail loudly.

    A flag with nobody to store it must crash the request (and roll back what raised it), never
    vanish: "self-harm flag not raised" may not become a quiet no-op. A receiver's error is not
    caught either."""
    if not signal.send(sender=sender, **arguments):
        raise ImproperlyConfigured(f"nothing receives the signal {sender} sent")


def ask(signal: Signal, *, sender: str, **arguments: Any) -> Any:
    """The one receiver's answer to `signal`; none (or two) is an error, never a guess."""
    answers = signal.send(sender=sender, **arguments)
    if len(answers) != 1:
        raise ImproperlyConfigured(f"{len(answers)} receivers answer the signal {sender} sent")
    return answers[0][1]
