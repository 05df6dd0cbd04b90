"""A web server process loads every view and freezes what it loaded before its first request
(taperwell/core/server_process.py), so the garbage collector's full passes skip Django, the
libraries and the views."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import gc, json, sys
import taperwell.wsgi
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "tracked": len(gc.get_objects()),
    "views": all(m in sys.modules for m in (
        "taperwell.today.views", "taperwell.checkins.views", "taperwell.checkins.progress",
    )),
}))
"""


def test_the_wsgi_module_loads_the_views_and_freezes_what_it_loaded():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "taperwell.settings"}
    out = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded["views"], "the URLconf's views were not imported before the first request"
    # Nearly everything the process holds is frozen; what is left is the few objects made since.
    assert loaded["frozen"] > 50_000
    assert loaded["tracked"] < loaded["frozen"] / 20
