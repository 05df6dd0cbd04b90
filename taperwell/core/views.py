"""Pages that belong to no single domain: the front door, crisis help, health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from taperwell.access import role_of
from taperwell.clinics.models import Role


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their own starting page."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    role = role_of(request.user)
    if role == Role.PATIENT:
        return redirect("today:today")
    if role is not None:
        return redirect("care:dashboard")  # the care team starts with who needs them today
    return render(request, "core/no_clinic.html", status=403)


@require_GET
def crisis(request: HttpRequest) -> HttpResponse:
    """Crisis help. Open to everyone, signed in or not, and never behind a login."""
    return render(request, "core/crisis.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: read_only_sql_transaction (a standby, or locked down)


def is_database_outage(error: BaseException | None) -> bool:
    """The database is down, restarting, read-only or out of disk: not a bug in a page."""
    from django.db import InterfaceError, InternalError, OperationalError

    if isinstance(error, OperationalError | InterfaceError):
        return True
    cause = getattr(error, "__cause__", None)
    return isinstance(error, InternalError) and (
        getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE
    )


def database_unavailable(request: HttpRequest, error: BaseException | None = None) -> HttpResponse:
    """A 503 in plain words with crisis help. Drawn without the database (no clinic lookup)."""
    from django.template.loader import render_to_string

    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


def _outage_behind(error: BaseException | None) -> bool:
    """Is a database outage this error, or the error it was raised while handling?"""
    seen = 0
    while error is not None and seen < 10:
        if is_database_outage(error):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: a database outage gets the 503 page, anything else the 500 page."""
    import sys

    from django.template.loader import render_to_string

    error = sys.exc_info()[1]
    if _outage_behind(error):
        return database_unavailable(request, error)
    return HttpResponse(render_to_string("500.html"), status=500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 handler. A session that could not be saved because the database is out
    arrives here (as "session interrupted"): that is an outage, not the person's mistake."""
    from django.views import defaults

    if _outage_behind(exception):
        return database_unavailable(request, exception)
    return defaults.bad_request(request, exception)
