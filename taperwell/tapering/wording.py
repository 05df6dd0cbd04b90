"""A plan's steps in the patient's language.

A plan keeps each step's words in English (`cli_taper.step_document`'s "text"). Patient pages
pass the steps through `steps_in_language`, which words each step again from its stored doses
in the active language (the clinical core's `step_wording`), so the numbers are the plan's own.
"""

from __future__ import annotations

import logging
from decimal import InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy

from taperwell.clinical.step_wording import step_texts

logger = logging.getLogger(__name__)

# The title of the patient's notice of a new plan that starts above today's dose; Today reads it
# back (in every language) to show that notice as a warning.
INCREASE_TITLE = gettext_lazy("Your new plan starts at a higher dose")

WORDED_LANGUAGES = frozenset({"es"})  # the clinical core words steps in these besides English


def _base(language: str | None) -> str:
    return (language or "en").lower().split("-")[0]


def steps_in_language(steps: dict[str, Any], *, language: str | None) -> dict[str, Any]:
    """`plan_steps_for_patient`'s answer with every step's "text" in `language`.

    English, or a language the core does not word, returns the steps as stored. A stored step
    the core cannot read back keeps its English words rather than showing nothing.
    """
    stored = steps.get("steps") or []
    if _base(language) not in WORDED_LANGUAGES or not stored:
        return steps
    try:
        texts = step_texts(stored, language=_base(language))
    except (KeyError, TypeError, ValueError, InvalidOperation):
        logger.exception("a stored taper step could not be worded in %s", language)
        return steps
    worded = [{**step, "text": text} for step, text in zip(stored, texts, strict=True)]
    same = {id(step): new for step, new in zip(stored, worded, strict=True)}

    def pick(step: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if step is None else same.get(id(step), step)

    current, following = pick(steps.get("current")), pick(steps.get("next"))
    return {**steps, "steps": worded, "current": current, "next": following}
