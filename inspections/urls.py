from django.urls import include, path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.MyInspectionsView.as_view(), name="my_inspections"),
    path("unannounced/", views.inspection_unannounced, name="unannounced"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("<int:pk>/answer/", views.InspectionFormView.as_view(), name="inspection_form"),
    path("<int:pk>/submit/", views.inspection_submit, name="inspection_submit"),
    path("<int:pk>/correct/", views.inspection_correct, name="inspection_correct"),
    path("<int:pk>/confirmation.pdf", views.confirmation_letter, name="confirmation_letter"),
    path("answers/<int:pk>/", views.answer_save, name="answer_save"),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist_list"),
    path("checklists/new/", views.ChecklistCreateView.as_view(), name="checklist_create"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="template_detail"),
    path("checklists/<int:pk>/edit/", views.ChecklistEditView.as_view(), name="checklist_edit"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("compliance/<int:premises_pk>/<str:level>/", views.ComplianceCellView.as_view(), name="compliance_cell"),
    path("", include("inspections.hazards.urls")),
    path("", include("inspections.daily.urls")),
]
