"""Settings for benchmark servers: the real settings plus a bare baseline view."""

from taperwell.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.baseline_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
