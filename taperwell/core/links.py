"""A named page's path for one record's public id, without walking the URLconf on each request.

For a path with one `<uuid:...>` part, `reverse(name, args=[public_id])` gives the same path for
every id but the id itself, which the converter writes as `str(uuid)`. Here the path is worked
out once per process, name, language, URLconf and script prefix with a stand-in id, and each
call puts its own id in its place. Nothing of anybody's is kept: only the path around the id.
"""

from __future__ import annotations

import functools
from uuid import UUID

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# No record has this id (version 4 ids are random, never all zeros): it only holds the place.
_STAND_IN = str(UUID(int=0))


def id_path(name: str, public_id: UUID) -> str:
    """`reverse(name, args=[public_id])` for a page named with one UUID in its path."""
    path = _path_around(name, get_language(), get_urlconf(), get_script_prefix())
    return path.replace(_STAND_IN, str(UUID(str(public_id))), 1)


@functools.lru_cache(maxsize=256)
def _path_around(name: str, language: str | None, urlconf: object, script_prefix: str) -> str:
    path = reverse(name, args=[UUID(_STAND_IN)])
    if path.count(_STAND_IN) != 1:
        raise ValueError(f"{name}: the id must be the path's one UUID")
    return path
