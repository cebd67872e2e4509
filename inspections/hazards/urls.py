"""Hidden-danger pages, included by inspections/urls.py (names stay in the "inspections" namespace)."""

from django.urls import path

from inspections.hazards import views

urlpatterns = [
    path("hazards/", views.hazard_list, name="hazard_list"),
    path("hazards/export.<str:fmt>", views.hazard_list, name="hazard_export"),
    path("hazards/report/", views.hazard_report, name="hazard_report"),
    path("hazards/settings/", views.hazard_policy, name="hazard_policy"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/plan/", views.hazard_plan, name="hazard_plan"),
    path("hazards/<int:pk>/<str:action>/", views.hazard_action, name="hazard_action"),
]
