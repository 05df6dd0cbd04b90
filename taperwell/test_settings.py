"""Settings for the test suite: production-like rules, fast hashing, jobs run in-process."""

import os

os.environ.setdefault("TAPERWELL_ENV", "test")
os.environ.setdefault("HUEY_IMMEDIATE", "true")

from taperwell.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed; argon2 is tested apart
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WEBPUSH_ALLOW_HTTP_ENDPOINTS = True  # the local push endpoint of tests/webpush
# Background page fetches would race other browser tests' requests on the in-memory SQLite
# (table locks); tests/browser/test_phone_app.py turns them on.
WEBPUSH_KEEP_PAGES_AHEAD = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# whitenoise looks for collected files at start; tests serve static files from the apps instead.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
