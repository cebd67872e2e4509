from django.urls import include, path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.my_inspections, name="my_inspections"),
    path("unannounced/", views.inspection_unannounced, name="unannounced"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/answer/", views.inspection_form, name="inspection_form"),
    path("<int:pk>/submit/", views.inspection_submit, name="inspection_submit"),
    path("<int:pk>/correct/", views.inspection_correct, name="inspection_correct"),
    path("<int:pk>/confirmation.pdf", views.confirmation_letter, name="confirmation_letter"),
    path("answers/<int:pk>/", views.answer_save, name="answer_save"),
    path("checklists/", views.checklist_list, name="checklist_list"),
    path("checklists/new/", views.checklist_create, name="checklist_create"),
    path("checklists/<int:pk>/", views.checklist_detail, name="template_detail"),
    path("checklists/<int:pk>/edit/", views.checklist_edit, name="checklist_edit"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/<int:premises_pk>/<str:level>/", views.compliance_cell, name="compliance_cell"),
    path("", include("inspections.hazards.urls")),
    path("", include("inspections.daily.urls")),
]
