"""gunicorn's access log without secrets or health data in it.

Addresses can carry what must not sit in a log file: the calendar feed's token and the
invitation link's token are in the path; the patient's export link, and once the triage search,
put theirs in the query string; the Referer header repeats all of them. Each access-log line keeps
the method, the path with those tokens replaced by `[token]`, the status, size, time and browser,
and drops every query string and the Referer.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# Paths whose last part is a secret (see notifications/urls.py, enrolment/urls.py and allauth).
SECRET_PATHS = [
    (re.compile(r"^(/calendar/)[^/]+(\.ics)$"), r"\1[token]\2"),
    (re.compile(r"^(/enrol/i/)[^/]+(/?)$"), r"\1[token]\2"),
    (re.compile(r"^(/accounts/password/reset/key/)[^/]+(/?)$"), r"\1[token]\2"),
    (re.compile(r"^(/accounts/confirm-email/)[^/]+(/?)$"), r"\1[token]\2"),
]
# Method, path, protocol: no query string, no Referer.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "-" "%(a)s" %(M)sms'


def redact_path(path: str) -> str:
    """The path without its query string and with any secret part replaced."""
    path = path.split("?", 1)[0]
    for pattern, replacement in SECRET_PATHS:
        path = pattern.sub(replacement, path)
    return path


class RedactingLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("RAW_URI") or environ.get("PATH_INFO") or "")
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        atoms["U"] = redact_path(environ.get("PATH_INFO") or "")
        atoms["q"] = ""
        atoms["f"] = "-"
        for key in list(atoms):
            if key in ("{referer}i", "{query_string}e", "{raw_uri}e", "{http_referer}e"):
                atoms[key] = "-"
        return atoms
