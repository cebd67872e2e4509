from django.urls import path

from drills import views

app_name = "drills"

urlpatterns = [
    path("", views.drill_list, name="drill_list"),
    path("new/", views.drill_create, name="drill_create"),
    path("<int:pk>/", views.drill_detail, name="drill_detail"),
    path("<int:pk>/record/", views.drill_record, name="drill_record"),
    path("<int:pk>/problems/", views.drill_problem_add, name="drill_problem_add"),
    path("<int:pk>/cancel/", views.drill_cancel, name="drill_cancel"),
    path("programme/", views.programme, name="programme"),
    path("programme/<int:unit_pk>/<int:year>/", views.programme_targets, name="programme_targets"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_update, name="plan_update"),
    path("plans/<int:pk>/roles/", views.plan_role_add, name="plan_role_add"),
    path("roles/<int:pk>/", views.plan_role_edit, name="plan_role_edit"),
    path("roles/<int:pk>/remove/", views.plan_role_delete, name="plan_role_delete"),
    path("study/", views.study_list, name="study_list"),
    path("study/new/", views.study_create, name="study_create"),
    path("study/<int:pk>/", views.study_detail, name="study_detail"),
    path("study/<int:pk>/edit/", views.study_update, name="study_update"),
]
