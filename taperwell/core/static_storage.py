"""Static files with hashed names (WhiteNoise's compressed manifest storage), each file's URL
worked out once per process.

Every page asks for a dozen static URLs; the manifest they come from is read once per process
already, so the URL of a name cannot change while the process lives. (In DEBUG the storage gives
unhashed names; the setting is part of the key.)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return str(super().url(name, force))
        key = (name, settings.DEBUG)
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = str(super().url(name))
        return found
