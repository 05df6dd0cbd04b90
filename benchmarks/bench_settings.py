"""Settings for benchmark servers: the real settings plus a bare baseline view."""

from taperwell.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.baseline_urls"
# The signed-in baseline's one-line template (benchmarks/templates/bench/signed_in.html).
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]}  # noqa: F405
]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# BENCH_SESSION_EVERY_REQUEST=1: Django's own idle timeout (a session write on every request), to
# measure what re-saving at most once a minute saves.
if __import__("os").environ.get("BENCH_SESSION_EVERY_REQUEST") == "1":
    SESSION_SAVE_EVERY_REQUEST = True
    MIDDLEWARE = [
        "django.contrib.sessions.middleware.SessionMiddleware"
        if m == "taperwell.core.sessions.IdleTimeoutSessionMiddleware"
        else m
        for m in MIDDLEWARE  # noqa: F405
    ]
