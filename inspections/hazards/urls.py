"""Hidden-danger pages, included by inspections/urls.py (names stay in the "inspections" namespace)."""

from django.urls import path

from inspections.hazards import views

urlpatterns = [
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
]
