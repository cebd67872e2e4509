from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="incident_list"),
    path("new/", views.IncidentCreateView.as_view(), name="incident_create"),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("<int:pk>/follow-up/", views.incident_update, name="incident_update"),
    path("export/incidents.<str:fmt>", views.IncidentListView.as_view(), name="incident_export"),
]
