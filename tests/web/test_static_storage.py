"""The static storage works each URL out once per process, and gives what WhiteNoise's does."""

from __future__ import annotations

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from taperwell.core.static_storage import StaticStorage


def _manifest(folder):
    (folder / "staticfiles.json").write_text(
        json.dumps(
            {
                "version": "1.1",
                "hash": "0",
                "paths": {"css/taperwell.css": "css/taperwell.0a1b2c.css", "js/a.js": "js/a.9f.js"},
            }
        )
    )


def test_each_url_is_whitenoises_and_is_worked_out_once(tmp_path, settings):
    settings.DEBUG = False
    _manifest(tmp_path)
    ours = StaticStorage(location=str(tmp_path), base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=str(tmp_path), base_url="/static/")
    for name in ("css/taperwell.css", "js/a.js"):
        assert ours.url(name) == theirs.url(name)
    assert ours.url("css/taperwell.css") == "/static/css/taperwell.0a1b2c.css"
    assert ("css/taperwell.css", False) in ours._urls
    # A name the manifest lacks is refused as WhiteNoise refuses it, and nothing is kept.
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        ours.url("css/missing.css")
    assert ("css/missing.css", False) not in ours._urls


def test_in_debug_the_names_stay_unhashed(tmp_path, settings):
    _manifest(tmp_path)
    ours = StaticStorage(location=str(tmp_path), base_url="/static/")
    settings.DEBUG = True
    assert ours.url("css/taperwell.css") == "/static/css/taperwell.css"
    settings.DEBUG = False
    assert ours.url("css/taperwell.css") == "/static/css/taperwell.0a1b2c.css"
