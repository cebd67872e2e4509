"""Signing in and out and changing one's password, at /accounts/.

No namespace: Django's auth views and the forced-password-change middleware use these names as they are.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from branches import mfa_views
from branches.views import PasswordChangeView, PasswordSetView, SignOutView

urlpatterns = [
    path("login/", mfa_views.SignInView.as_view(), name="login"),
    path("login/code/", mfa_views.SecondFactorVerifyView.as_view(), name="second_factor_verify"),
    path("two-factor/", mfa_views.SecondFactorView.as_view(), name="second_factor"),
    path("two-factor/enrol/", mfa_views.SecondFactorEnrolView.as_view(), name="second_factor_enrol"),
    path("two-factor/reset/<int:pk>/", mfa_views.SecondFactorResetView.as_view(), name="second_factor_reset"),
    path("logout/", SignOutView.as_view(), name="logout"),
    path("password/change/", PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The one-time link of a password reset (branches.services.staff_reset_password); Django's token.
    path("password/set/<uidb64>/<token>/", PasswordSetView.as_view(), name="password_reset_confirm"),
]
