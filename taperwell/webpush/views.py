"""The installable app's files (manifest, service worker, icons at the site root, the offline
page) and a device's push subscription (JSON, from the notice settings page)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from taperwell.access import own_patient_record
from taperwell.patients.decorators import patient_page
from taperwell.webpush import services
from taperwell.webpush.forms import SubscriptionForm

HERE = Path(__file__).resolve().parent
ICONS = HERE / "static" / "webpush" / "icons"
SERVICE_WORKER = HERE / "static" / "webpush" / "sw.js"
THEME = "#1f6f5c"  # --brand in core/static/css/taperwell.css
BACKGROUND = "#fbfaf7"  # --paper

# Files every page needs, fetched when the service worker installs.
SHELL_STATIC = [
    "css/taperwell.css",
    "css/phone.css",
    "css/dark.css",
    "webpush/webpush.css",
    "js/taperwell.js",
    "webpush/offline.js",
    "django_htmx/htmx-2.min.js",
    "webpush/icons/icon-192.png",
    # The breathing pacer's files: its script imports pacer-core.js, which no page names.
    "skills/skills.css",
    "skills/pacer.js",
    "skills/pacer-core.js",
]
# Pages of the signed-in patient kept for offline use once seen (and fetched again on each
# visit while online). Only these: other pages with health data are never stored on the device.
PATIENT_PAGES = [
    "today:today",
    "checkins:new",
    "skills:index",
    "skills:pacer",
    "skills:flare_plan",
]


def _worker_config() -> dict[str, object]:
    return {
        "shell": [
            reverse("webpush:offline"),
            reverse("crisis"),
            *map(static, SHELL_STATIC),
            # pacer.js imports "./pacer-core.js" by its plain name, which hashed static names
            # (production) do not rewrite: keep the file under that name too.
            f"{settings.STATIC_URL}skills/pacer-core.js",
        ],
        "pages": [reverse(name) for name in PATIENT_PAGES],
        "practicePrefix": reverse("skills:practice", args=["x"]).removesuffix("x/"),
        "checkin": reverse("checkins:new"),
        "pacer": reverse("skills:pacer"),
        "skills": reverse("skills:index"),
        "today": reverse("today:today"),
        "offline": reverse("webpush:offline"),
        "logout": reverse("account_logout"),
        # STATIC_URL itself: static("") has no manifest entry, so it raised (a 500 for /sw.js)
        # wherever static files are collected with hashed names, as `make run` does.
        "staticPrefix": settings.STATIC_URL,
        "icon": static("webpush/icons/icon-192.png"),
        "keepAhead": settings.WEBPUSH_KEEP_PAGES_AHEAD,
    }


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so its scope is the whole site. Its text changes whenever the code or
    the files it keeps change (hashed static names), so browsers install the new one."""
    config = json.dumps(_worker_config(), sort_keys=True)
    body = SERVICE_WORKER.read_text()
    version = hashlib.sha256((config + body).encode()).hexdigest()[:16]
    text = f"const CONFIG = {config};\nconst VERSION = {json.dumps(version)};\n{body}"
    response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    def icon(name: str, size: int, purpose: str) -> dict[str, str]:
        src = static(f"webpush/icons/{name}-{size}.png")
        return {"src": src, "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}

    data = {
        "name": "taperwell",
        "short_name": "taperwell",
        "description": "Your taper, your check-in and your coping skills, with your care team.",
        "id": "/",
        "start_url": reverse("today:today"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "lang": "en-US",
        "icons": [
            icon("icon", 192, "any"),
            icon("icon", 512, "any"),
            icon("maskable", 192, "maskable"),
            icon("maskable", 512, "maskable"),
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@require_GET
@cache_control(max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    return FileResponse((ICONS / "favicon.ico").open("rb"), content_type="image/x-icon")


@require_GET
@cache_control(max_age=86400)
def apple_touch_icon(request: HttpRequest) -> FileResponse:
    return FileResponse((ICONS / "apple-touch-icon.png").open("rb"), content_type="image/png")


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker when a page was never kept on this device."""
    return render(request, "webpush/offline.html")


@require_POST
@patient_page
def subscribe(request: HttpRequest) -> JsonResponse:
    patient = own_patient_record(request, what="push reminders on a device", write=True)
    form = SubscriptionForm.from_json(request.body)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    try:
        sub = services.push_subscription_save(user=patient.user, **form.cleaned_data)
    except ValidationError as error:
        return JsonResponse({"errors": error.messages}, status=400)
    return JsonResponse({"id": str(sub.public_id)}, status=201)


@require_POST
@patient_page
def unsubscribe(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request, what="push reminders on a device", write=True)
    form = SubscriptionForm.from_json(request.body, endpoint_only=True)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    services.push_subscription_remove(user=patient.user, endpoint=form.cleaned_data["endpoint"])
    return HttpResponse(status=204)
