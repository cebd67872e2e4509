from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from branches.views import PasswordChangeView, PasswordSetView
from safetybank.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The one-time link of a password reset (branches.services.staff_reset_password); Django's token.
    path("accounts/password/set/<uidb64>/<token>/", PasswordSetView.as_view(), name="password_reset_confirm"),
    path("admin/", admin.site.urls),
    path("org/", include("branches.urls")),
    path("inspections/", include("inspections.urls")),
    path("responsibilities/", include("responsibilities.urls")),
    path("facilities/", include("facilities.urls")),
    path("incidents/", include("incidents.urls")),
    path("drills/", include("drills.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("reports/", include("reports.urls")),
    path("", include("core.urls")),
]

# An unreachable database answers 503 "try again in a minute"; anything else the plain 500 page.
handler500 = "safetybank.errors.server_error"
