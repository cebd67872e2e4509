from django.urls import path

from drills import views

app_name = "drills"

urlpatterns = [
    path("", views.DrillListView.as_view(), name="drill_list"),
    path("new/", views.DrillCreateView.as_view(), name="drill_create"),
    path("<int:pk>/", views.DrillDetailView.as_view(), name="drill_detail"),
    path("<int:pk>/record/", views.drill_record, name="drill_record"),
    path("<int:pk>/problems/", views.drill_problem_add, name="drill_problem_add"),
    path("<int:pk>/cancel/", views.drill_cancel, name="drill_cancel"),
    path("programme/", views.programme, name="programme"),
    path("programme/<int:unit_pk>/<int:year>/", views.programme_targets, name="programme_targets"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanEditView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_update"),
    path("plans/<int:pk>/roles/", views.plan_role_add, name="plan_role_add"),
    path("roles/<int:pk>/", views.plan_role_edit, name="plan_role_edit"),
    path("roles/<int:pk>/remove/", views.plan_role_delete, name="plan_role_delete"),
    path("study/", views.StudyListView.as_view(), name="study_list"),
    path("study/new/", views.StudyEditView.as_view(), name="study_create"),
    path("study/<int:pk>/", views.StudyDetailView.as_view(), name="study_detail"),
    path("study/<int:pk>/edit/", views.StudyEditView.as_view(), name="study_update"),
]
