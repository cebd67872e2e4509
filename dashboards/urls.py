from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/<int:unit_pk>/", views.dashboard, name="unit"),
    path("units/<int:unit_pk>/export/<str:table>.<str:fmt>", views.export, name="export"),
    path("premises/<int:pk>/", views.premises_detail, name="premises"),
    path("weights/", views.weights_edit, name="weights"),
]
