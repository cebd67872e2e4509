from django.contrib import admin
from django.urls import include, path

from safetybank.favicon import favicon
from safetybank.health import healthz
from safetybank.pwa import manifest, service_worker

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    # The installable app: served from the root so that the worker's scope is the whole site.
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="web_manifest"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("branches.account_urls")),
    path("admin/", admin.site.urls),
    path("org/", include("branches.urls")),
    path("inspections/", include("inspections.urls")),
    path("responsibilities/", include("responsibilities.urls")),
    path("facilities/", include("facilities.urls")),
    path("incidents/", include("incidents.urls")),
    path("drills/", include("drills.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("", include("core.urls")),
]

# An unreachable database answers 503 "try again in a minute"; anything else the plain 500 page.
handler500 = "safetybank.errors.server_error"
