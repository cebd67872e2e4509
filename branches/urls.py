from django.urls import path

from branches import views
from branches.import_views import ImportReportView, ImportTemplateView, ImportUploadView

app_name = "branches"

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/new/", views.UnitEditView.as_view(), name="unit_create"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", views.UnitEditView.as_view(), name="unit_update"),
    path("premises/", views.PremisesListView.as_view(), name="premises_list"),
    path("premises/new/", views.PremisesEditView.as_view(), name="premises_create"),
    path("premises/<int:pk>/", views.PremisesDetailView.as_view(), name="premises_detail"),
    path("premises/<int:pk>/edit/", views.PremisesEditView.as_view(), name="premises_update"),
    path("staff/", views.StaffListView.as_view(), name="staff_list"),
    path("staff/new/", views.StaffCreateView.as_view(), name="staff_create"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("staff/<int:pk>/edit/", views.StaffUpdateView.as_view(), name="staff_update"),
    path("staff/<int:pk>/transfer/", views.StaffTransferView.as_view(), name="staff_transfer"),
    path("staff/<int:pk>/leave/", views.StaffLeaveView.as_view(), name="staff_leave"),
    path("staff/<int:pk>/password/", views.StaffResetPasswordView.as_view(), name="staff_reset_password"),
    path("acting/new/", views.ActingCreateView.as_view(), name="acting_create"),
    path("search/premises/", views.PremisesSearchView.as_view(), name="premises_search"),
    path("search/people/", views.PeopleSearchView.as_view(), name="people_search"),
    path("search/units/", views.UnitSearchView.as_view(), name="unit_search"),
    path("left/", views.OrphanedItemsView.as_view(), name="orphans"),
    # XLSX import (import_views)
    path("import/", ImportUploadView.as_view(), name="import"),
    path("import/template.xlsx", ImportTemplateView.as_view(), name="import_template"),
    path("import/<slug:token>/", ImportReportView.as_view(), name="import_report"),
]
