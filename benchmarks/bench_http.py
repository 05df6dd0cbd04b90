"""Signed-in pages under gunicorn (2 workers) against two baselines on the same server, same run.

Load comes from wrk on loopback, bounded in time, in rounds: each round loads the signed-in
baseline and then every page (the posts' rounds come last, each with a baseline of its own), and
a page's ratio is taken against its own round's baseline, so
the machine's speed, which moves by a third from minute to minute here, moves both sides of a
ratio together. Reported (medians over the rounds): requests per second, p50/p90/p99 latency, and
each page's throughput as a fraction of each baseline's: the bare view (one row, no
session) and the signed-in baseline (the same middleware, role and consent check, the patient
loaded through `taperwell/access.py` with its audit row, a one-line template).

The check-in benchmark posts the real check-in form (`checkins:new`). Every request is a valid,
new submission: the wrk script rotates over the demo patients (a signed-in session each) and sends
a fresh one-time key with every post, so no post is swallowed as a double submit. A patient's second
check-in of the day replaces the first (the day keeps one current entry), so each post is a real
write: the check-in row and its audit row. The script counts the answers: only a redirect to the
response screen counts as a saved check-in; anything else is reported as a failure.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from benchmarks.harness import configure_django, gunicorn, throwaway_site, write_results, wrk

SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
# Rounds of every page, each page's ratio taken against its own round's signed-in baseline.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
POST = "check-in submission (POST, real form)"
# Signed-in patient pages loaded with GET, besides the check-in post.
PAGES = [
    ("patient Today page (GET)", "/today/"),
    ("check-in form (GET)", "/checkin/"),
    ("My medicines (GET)", "/my-medicines/"),
    ("Progress (GET)", "/progress/"),
]
PATIENTS = [
    "maria@example.org",
    "james@example.org",
    "linda@example.org",
    "robert@example.org",
    "dorothy@example.org",
    "samuel@example.org",
]

LUA = r"""
-- Each wrk thread rotates over the patients' sessions and sends a fresh one-time key per post.
local sessions = {%(sessions)s}
local counter = 0
saved, other = 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

local function uuid4()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%%x", v)
  end))
end

function request()
  counter = counter + 1
  local s = sessions[(counter %% #sessions) + 1]
  local body = "csrfmiddlewaretoken=" .. s.csrf .. "&idempotency_key=" .. uuid4() ..
    "&pain=" .. math.random(3, 6) .. "&sleep=6&mood=6&withdrawal=2&craving=1" ..
    "&prn_doses=0&self_harm=no&overdose=no&naloxone_used=no&not_prescribed_opioids=no" ..
    "&activity=&activity_text=&note="
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "sessionid=" .. s.session .. "; csrftoken=" .. s.csrf,
    ["Referer"] = "%(base)s%(path)s",
  }, body)
end

function response(status, headers, body)
  if status == 302 and headers["Location"] == "/checkin/saved/" then
    saved = saved + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local s, o = 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("saved")
    o = o + t:get("other")
  end
  io.write(string.format("SAVED %%d OTHER %%d\n", s, o))
end
"""


def session_cookie_for(email: str) -> str:
    return f"sessionid={session_key_for(email)}"


def session_key_for(email: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from taperwell.accounts.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "taperwell.accounts.backends.PasswordBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def checkin_sessions(base: str) -> list[dict[str, str]]:
    """A signed-in session and CSRF token per demo patient who can check in."""
    from django.test import Client
    from django.urls import reverse

    url = reverse("checkins:new")
    sessions = []
    for email in PATIENTS:
        key = session_key_for(email)
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = key
        page = client.get(url)
        token = client.cookies.get("csrftoken")
        if page.status_code == 200 and token is not None:
            sessions.append({"session": key, "csrf": token.value})
    if not sessions:
        raise RuntimeError("no demo patient can open the check-in page")
    return sessions


def checkin_script(base: str, sessions: list[dict[str, str]]) -> Path:
    from django.urls import reverse

    lua_sessions = ", ".join(f'{{session="{s["session"]}", csrf="{s["csrf"]}"}}' for s in sessions)
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        LUA % {"sessions": lua_sessions, "path": reverse("checkins:new"), "base": base}
    )
    return script


def post_checkins(base: str, script: Path) -> dict[str, float]:
    """wrk with the check-in script; the script's own count of saved check-ins is kept."""
    command = ["wrk", "--latency", "-t", "2", "-c", "8", "-d", f"{SECONDS}s", "-s", str(script)]
    run = subprocess.run(
        [*command, f"{base}/"], capture_output=True, text=True, timeout=SECONDS + 30
    )
    if run.returncode != 0:
        raise RuntimeError(f"wrk failed: {run.stdout}{run.stderr}")
    output = run.stdout
    counts = output.rsplit("SAVED ", 1)[1].split()
    result = wrk_parse(output)
    result["saved"] = int(counts[0])
    result["failed"] = int(counts[2])
    return result


def wrk_parse(output: str) -> dict[str, float]:
    from benchmarks import harness

    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {f"p{p}": float(v) * scale[u] for p, v, u in harness._LATENCY.findall(output)}
    return {
        "requests_per_second": float(harness._RPS.search(output).group(1)),  # type: ignore[union-attr]
        "p50_ms": latency.get("p50", 0.0),
        "p90_ms": latency.get("p90", 0.0),
        "p99_ms": latency.get("p99", 0.0),
        "non_2xx": 0,
    }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    """ROUNDS rounds; in each, the signed-in baseline, then every page, each for SECONDS; then
    ROUNDS rounds of the baseline and the check-in post (posts last: they change the day's
    check-in, and so what Today and the form show). A page's ratio is worked out against the
    baseline of its own round, so a minute in which the whole machine runs slower moves both sides
    of the ratio together; the table gives the median of each page's rounds (the bare view is
    measured once, before the rounds)."""
    with throwaway_site() as env:
        configure_django(env)
        from taperwell.checkins.models import CheckIn

        cookie = {"Cookie": session_cookie_for("maria@example.org")}
        with gunicorn(env, workers=2) as base:
            sessions = checkin_sessions(base)
            script = checkin_script(base, sessions)
            bare = wrk(f"{base}/bench/bare", seconds=SECONDS)
            before = CheckIn.objects.count()
            rounds: list[dict[str, dict[str, float]]] = []
            saved = failed = 0
            for _ in range(ROUNDS):
                measured = {
                    "signed-in": wrk(f"{base}/bench/signed-in", seconds=SECONDS, headers=cookie)
                }
                for page, path in PAGES:
                    measured[page] = wrk(f"{base}{path}", seconds=SECONDS, headers=cookie)
                rounds.append(measured)
            # The posts come after every page's rounds: a post changes the day's check-in, and
            # with it what Today and the check-in form show. Each is paired with a baseline of
            # its own, measured just before it.
            posts: list[dict[str, dict[str, float]]] = []
            for _ in range(ROUNDS):
                signed_in = wrk(f"{base}/bench/signed-in", seconds=SECONDS, headers=cookie)
                post = post_checkins(base, script)
                saved, failed = saved + int(post.pop("saved")), failed + int(post.pop("failed"))
                posts.append({"signed-in": signed_in, POST: {**post, "non_2xx": 0}})
            after = CheckIn.objects.count()

    def row(page: str, key: str, notes: str = "") -> dict[str, object]:
        measured = posts if key == POST else rounds
        results = [r[key] for r in measured]
        ratios = [
            r[key]["requests_per_second"] / r["signed-in"]["requests_per_second"] for r in measured
        ]
        median = {
            name: _median([result[name] for result in results])
            for name in ("requests_per_second", "p50_ms", "p90_ms", "p99_ms")
        }
        spread = f"vs signed-in {min(ratios):.2f} to {max(ratios):.2f} over {len(ratios)} rounds"
        return {
            "page": page,
            **median,
            "non_2xx": sum(int(result["non_2xx"]) for result in results),
            "vs_bare": median["requests_per_second"] / bare["requests_per_second"],
            "vs_signed_in": _median(ratios),
            "notes": f"{spread}; {notes}" if notes else spread,
        }

    rows = [
        {
            "page": "bare Django view (baseline)",
            **bare,
            "vs_bare": 1.0,
            "vs_signed_in": bare["requests_per_second"]
            / _median([r["signed-in"]["requests_per_second"] for r in rounds]),
            "notes": "measured once, before the rounds",
        },
        row("signed-in baseline (patient, consent, audit row, one line)", "signed-in"),
        *(row(page, page) for page, _path in PAGES),
        row(
            POST,
            POST,
            f"{saved:,} saved (redirect), {failed} not; {len(sessions)} patients rotating; "
            f"check-in rows {before} -> {after}",
        ),
    ]
    rows[-1]["non_2xx"] = failed
    path = write_results(
        "http",
        rows,
        notes=[
            "vs_bare / vs_signed_in = the page's requests per second divided by the baseline's "
            "(same server, same run). Aim: every page at 0.5 or better of the signed-in baseline.",
            f"{ROUNDS} rounds: in each, the signed-in baseline, then every page, {SECONDS} s each; "
            f"then {ROUNDS} rounds of the baseline and the post (a post changes the day's "
            "check-in, and so what Today and the form show). vs_signed_in is the median of each "
            "round's ratio to that round's baseline; requests per second and latencies are "
            "medians.",
            "The signed-in baseline (/bench/signed-in, registered only in the benchmark settings) "
            "goes through the same middleware, checks the patient's role and consent, loads the "
            "patient through taperwell/access.py, writes the audit row and renders one line.",
            "gunicorn, 2 sync workers, SQLite (WAL); wrk 2 threads, 8 connections, on the same "
            "2 cores as the server.",
            "Check-in: every post is a new submission (fresh one-time key) by one of the demo "
            "patients in turn; the day's entry is replaced, so each post writes the check-in, an "
            "audit row, and queues the bump rules for the job worker. For the check-in row, "
            "non_2xx counts every answer that was not the redirect to the response screen.",
            "Every signed-in request writes an audit row; the idle-timeout session row is re-saved "
            "at most once a minute per session (see docs/scaling.md).",
        ],
    )
    print(path.read_text())


if __name__ == "__main__":
    main()
