"""Daily-check pages, included by inspections/urls.py (names stay in the "inspections" namespace)."""

from django.urls import path

from inspections.daily import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("today/start/<int:pk>/", views.start, name="daily_start"),
    path("daily/<int:pk>/", views.check, name="daily_check"),
    path("daily/<int:pk>/all-fine/<str:defence>/", views.group_pass, name="daily_group_pass"),
    path("daily/<int:pk>/submit/", views.submit, name="daily_submit"),
    path("daily/<int:pk>/cosign/", views.cosign, name="daily_cosign"),
    path("register/<int:premises_pk>.pdf", views.register_pdf, name="daily_register"),
]
