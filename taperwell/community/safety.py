"""Words that may mean someone is thinking of harming themselves. A match holds the post for
the care team, shows crisis help to the author, and raises an urgent flag. It errs on the side
of holding: a kind post held for an hour costs little; a missed one can cost a life."""

from __future__ import annotations

import re

_PHRASES = [
    r"kill(ing)? my ?self",
    r"end(ing)? (it all|my life|things)",
    r"suicid(e|al)",
    r"self[- ]?harm",
    r"hurt(ing)? my ?self",
    r"cut(ting)? my ?self",
    r"(want|wanted|wish) (to|i could) die",
    r"better off dead",
    r"no reason to live",
    r"(don'?t|do not) want to (be here|live|wake up)",
    r"take all my (pills|tablets|meds)",
    r"overdose on purpose",
]
_PATTERN = re.compile(r"\b(" + "|".join(_PHRASES) + r")", re.IGNORECASE)


def mentions_self_harm(text: str) -> bool:
    return bool(_PATTERN.search(text.replace("\u2019", "'")))
