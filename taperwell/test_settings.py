"""Settings for the test suite: production-like rules, fast hashing, jobs run in-process."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("TAPERWELL_ENV", "test")
os.environ.setdefault("HUEY_IMMEDIATE", "true")

from taperwell.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed; argon2 is tested apart
# On SQLite the test database is a file, not Django's shared in-memory one: the live server's
# threads (browser tests) then each open their own connection, as gunicorn's workers do, rather
# than share the test's, where one thread's commit fails while another's read is under way.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"taperwell-test-{os.getpid()}.sqlite3")
    }
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WEBPUSH_ALLOW_HTTP_ENDPOINTS = True  # the local push endpoint of tests/webpush
# Pages fetched ahead by the service worker would add requests (and audit rows) to every browser
# test; tests/browser/test_phone_app.py turns them on.
WEBPUSH_KEEP_PAGES_AHEAD = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# whitenoise looks for collected files at start; tests serve static files from the apps instead.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
