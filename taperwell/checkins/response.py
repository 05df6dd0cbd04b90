"""What the patient sees after saving a check-in: words and offers that fit the answers.

A "hard day" here only chooses what the next screen offers (the breathing pacer, the flare plan,
a message to the team, "I need a pause"). It is not a clinical rule and raises nothing for the
care team: bumps and safety flags are decided by `taperwell.clinical.bumps` and the check-in
service, from the same answers, whatever this page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from taperwell.checkins.models import CheckIn

# The cut points for a hard day, in one place. source = "none": no guideline defines a "hard
# day" on these 0-10 self-ratings. The values are issue 16's (pain or withdrawal 7 and up, sleep
# or mood 3 and down), chosen to offer help generously: an offer the patient does not need costs
# one glance, a missed one costs a bad evening alone.
HARD_DAY_AT_LEAST = {"pain": 7, "withdrawal": 7}
HARD_DAY_AT_MOST = {"sleep": 3, "mood": 3}

# What the patient reads back, so the offers make sense: what made it a hard day, in one line.
REASON_WORDS = {
    "pain": _("pain"),
    "withdrawal": _("withdrawal"),
    "sleep": _("sleep"),
    "mood": _("mood"),
}


@dataclass(frozen=True)
class CheckInResponse:
    hard_day: bool
    reasons: tuple[str, ...]  # the answers that made it a hard day: "pain", "sleep", ...

    @property
    def sentence(self) -> str:
        """ "Withdrawal was hard today." or "Pain, sleep and mood were hard today."."""
        words = [str(REASON_WORDS[reason]) for reason in self.reasons]
        if not words:
            return ""
        if len(words) == 1:
            return _("%(what)s was hard today.") % {"what": words[0].capitalize()}
        listed = ", ".join(words[:-1]) + " " + str(_("and")) + " " + words[-1]
        return _("%(what)s were hard today.") % {"what": listed.capitalize()}


def checkin_response(checkin: CheckIn) -> CheckInResponse:
    """Read one saved check-in against the hard-day cut points."""
    reasons = [
        name for name, limit in HARD_DAY_AT_LEAST.items() if getattr(checkin, name) >= limit
    ] + [name for name, limit in HARD_DAY_AT_MOST.items() if getattr(checkin, name) <= limit]
    return CheckInResponse(hard_day=bool(reasons), reasons=tuple(reasons))
