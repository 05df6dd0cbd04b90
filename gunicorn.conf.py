"""gunicorn reads this file when started from the project folder (as docs/scaling.md does):
the access log keeps no query strings, Referer or tokens (taperwell/core/access_log.py)."""

from taperwell.core.access_log import ACCESS_LOG_FORMAT

logger_class = "taperwell.core.access_log.RedactingLogger"
access_log_format = ACCESS_LOG_FORMAT
