"""Settings for a real huey worker process started by the job tests.

The database comes from DATABASE_URL (a copy of the test database, or PostgreSQL's test
database), the queue from a SQLite file; emails and export files land in the test's directory.
The test process starts it with these variables set (tests/worker.py).
"""

import os

os.environ.setdefault("TAPERWELL_ENV", "test")
os.environ["HUEY_IMMEDIATE"] = "false"

from taperwell.settings import *  # noqa: F403

HUEY = {
    "huey_class": "taperwell.core.job_queue.JobQueue",
    "name": "taperwell-test",
    "filename": os.environ["TAPERWELL_TEST_HUEY_FILE"],
    "immediate": False,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TAPERWELL_TEST_EMAIL_DIR"]
MEDIA_ROOT = os.environ["TAPERWELL_TEST_MEDIA_DIR"]
# A claim this old belongs to a killed worker; seconds here, so a test can wait it out.
EXPORT_STALE_CLAIM_MINUTES = float(os.environ["TAPERWELL_TEST_EXPORT_STALE_MINUTES"])
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The catch-up sweep's "finished" line goes to the worker's log, so a test can wait for it
# (tests/worker.py: Worker.wait_until_idle).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"log": {"class": "logging.StreamHandler"}},
    "loggers": {"taperwell.notifications.tasks": {"handlers": ["log"], "level": "INFO"}},
}
