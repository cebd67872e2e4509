"""The installable app: the web manifest and the service worker, both at the site root.

The worker (static/js/sw.js, our own code) must be served from "/" to control every page, so a view
answers /sw.js with the file, headed by the list of static files it keeps for offline use (their
hashed names under the manifest storage) and a version that changes with them, so a new release
replaces the old worker. The manifest's names follow the reader's language."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# What a page needs to draw without a connection (base.html's styles and scripts, the icons).
OFFLINE_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "css/safetybank.css",
    "vendor/htmx/htmx.min.js",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/safetybank.js",
    "js/offline-check.js",
    "icons/safetybank-192.png",
)


@cache
def _worker_source() -> str:
    path = finders.find("js/sw.js") or str(settings.STATIC_ROOT / "js" / "sw.js")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@require_GET
def service_worker(request):
    assets = [static(name) for name in OFFLINE_ASSETS]
    source = _worker_source()
    version = hashlib.sha256((source + "".join(assets)).encode()).hexdigest()[:12]
    head = f"const VERSION = {json.dumps(version)};\nconst PRECACHE = {json.dumps(assets)};\n"
    response = HttpResponse(head + source, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    data = {
        "name": _("SafetyBank"),
        "short_name": _("SafetyBank"),
        "description": _("Today's checks"),
        "lang": get_language(),
        "start_url": reverse("inspections:today"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [
            {"src": static("icons/safetybank-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/safetybank-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


class AppFilesMiddleware:
    """Answers the worker and the manifest before the session middleware. The browser fetches them
    by itself (the worker's update check at each navigation, the manifest for installing): with
    SESSION_SAVE_EVERY_REQUEST such a fetch would renew an idle session on a phone left open, and
    write it beside the page's own request. They carry nothing of anyone's, so no session is read;
    the manifest's language is the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == reverse("service_worker"):
                return service_worker(request)
            if request.path == reverse("web_manifest"):
                with translation.override(translation.get_language_from_request(request)):
                    return manifest(request)
        return self.get_response(request)
