"""Settings for a real huey worker process started by the job tests.

The database comes from DATABASE_URL (a copy of the test database, or PostgreSQL's test
database), the queue from a SQLite file, and emails land as files the test can count.
"""

import os

os.environ.setdefault("TAPERWELL_ENV", "test")
os.environ["HUEY_IMMEDIATE"] = "false"

from taperwell.settings import *  # noqa: F403

HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "taperwell-test",
    "filename": os.environ["TAPERWELL_TEST_HUEY_FILE"],
    "immediate": False,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TAPERWELL_TEST_EMAIL_DIR"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
