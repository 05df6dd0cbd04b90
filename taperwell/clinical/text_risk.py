"""The risk screen for what patients write: peer posts, messages to the care team and
check-in notes. It errs on the side of holding: a kind post held for an hour costs little; a
missed one can cost a life.

The screen itself is `taperwell.clinical.risk_language` (C-SSRS categories, English and
Spanish). The few phrases below were the community app's own list before the core had one;
they stay as a floor, so the screen never catches less than it did. A phrase here counts as "high"
unless the core read a negation in the text ("I'm not suicidal"), where it counts as "possible".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from taperwell.clinical.risk_language import RISKS, Risk, screen

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


@dataclass(frozen=True)
class TextRisk:
    risk: Risk  # "none", "possible" or "high"
    categories: tuple[str, ...]  # the C-SSRS categories matched, for the care team's reason

    @property
    def risky(self) -> bool:
        return self.risk != "none"

    @property
    def high(self) -> bool:
        return self.risk == "high"

    def described(self) -> str:
        return ", ".join(c.replace("-", " ") for c in self.categories) or "risk words"


def screen_text(text: str, *, language: str | None = None) -> TextRisk:
    """How much risk language a patient's text holds (see the module docstring)."""
    result = screen(text, language=language)
    risk: Risk = result.risk
    categories = tuple(dict.fromkeys(m.category for m in result.matched))
    if _PATTERN.search(text.replace("\u2019", "'")):
        floor: Risk = "possible" if any(m.negated for m in result.matched) else "high"
        if RISKS.index(floor) > RISKS.index(risk):
            risk = floor
            categories = categories or ("self-harm-words",)
    return TextRisk(risk, categories)


def mentions_self_harm(text: str) -> bool:
    return screen_text(text).risky
