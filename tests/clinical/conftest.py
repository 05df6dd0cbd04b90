"""Hypothesis profiles for the clinical tests.

`HYPOTHESIS_PROFILE=mutation` (used by `make mutation`) runs few examples, always the same ones,
so each mutant's run is short and a mutant is never killed or spared by chance. The property
tests cap their own `max_examples` at the profile's, so the profile wins where it asks for fewer.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile(
    "mutation", max_examples=8, deadline=None, derandomize=True, database=None, print_blob=False
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
