"""A web server process made ready for its requests, once, when it loads the app.

Every view module is imported (the URLconf), then the objects made so far are moved out of the
garbage collector's sight (`gc.freeze`): Django, the libraries, the views and the settings, some
150,000 objects that live as long as the process. Python's collector would otherwise go through
them again on each of its fuller passes, which come more often the more a request allocates.
Timed with a collector callback in one process, Today spent about 0.39 ms a request in the
collector before and 0.14 to 0.17 ms after, My medicines 0.43 before and 0.18 to 0.25 after, the
signed-in baseline 0.03 both ways (of about 3.5, 3 and 0.9 ms). Under gunicorn the difference was
within this machine's noise (benchmarks/results/signed_in_pages.md). Nothing a request reads or
writes is kept: only what the process loaded before its first request.

Python's documentation suggests `gc.freeze` for servers that fork workers. Objects frozen here
are never collected, which costs nothing for what lives as long as the process.
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def settle() -> int:
    """Import every view, then freeze what exists; returns how many objects were frozen."""
    get_resolver().url_patterns  # noqa: B018 - reading it imports every app's views
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
