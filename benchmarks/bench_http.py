"""Pages under gunicorn (2 workers) against a bare Django view on the same server, same run.

Load comes from wrk on loopback, bounded in time. Reported: requests per second, p50/p90/p99
latency, and each page's throughput as a fraction of the bare view's.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks.harness import configure_django, gunicorn, throwaway_site, write_results, wrk

SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))


def session_cookie_for(email: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from taperwell.accounts.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def checkin_script(cookie: str, base: str) -> Path | None:
    """A wrk script that posts the daily check-in, when the check-in page exists."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("checkins:new")
    except NoReverseMatch:
        return None
    client = Client()
    client.cookies.load(cookie)
    page = client.get(url)
    token = client.cookies.get("csrftoken")
    if page.status_code != 200 or token is None:
        return None
    body = (
        f"csrfmiddlewaretoken={token.value}&pain=5&sleep=6&mood=6&withdrawal=3&craving=2"
        "&prn_doses=0&self_harm_thoughts=no&note="
    )
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = "{cookie}; csrftoken={token.value}"\n'
        f'wrk.headers["Referer"] = "{base}{url}"\n'
        f'wrk.path = "{url}"\n'
    )
    return script


def main() -> None:
    with throwaway_site() as env:
        configure_django(env)
        cookie = session_cookie_for("maria@example.org")
        with gunicorn(env, workers=2) as base:
            bare = wrk(f"{base}/bench/bare", seconds=SECONDS)
            rows = [{"page": "bare Django view (baseline)", **bare, "vs_baseline": 1.0}]
            today = wrk(f"{base}/today/", seconds=SECONDS, headers={"Cookie": cookie})
            rows.append(
                {
                    "page": "patient Today page",
                    **today,
                    "vs_baseline": today["requests_per_second"] / bare["requests_per_second"],
                }
            )
            script = checkin_script(cookie, base)
            if script is not None:
                post = wrk(f"{base}/", seconds=SECONDS, script=script)
                rows.append(
                    {
                        "page": "check-in submission (POST)",
                        **post,
                        "vs_baseline": post["requests_per_second"] / bare["requests_per_second"],
                    }
                )
    path = write_results(
        "http",
        rows,
        notes=[
            "vs_baseline = the page's requests per second divided by the bare view's (same server, "
            "same run). Aim: check-in submission at 0.5 or better.",
            f"gunicorn, 2 sync workers, SQLite (WAL); wrk 2 threads, 8 connections, "
            f"{SECONDS} s each.",
            "Every signed-in page writes an audit row and refreshes the idle session (a database "
            "write): that is most of the gap to the bare view.",
        ],
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
