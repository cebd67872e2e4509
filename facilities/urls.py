from django.urls import path

from facilities import views

app_name = "facilities"

urlpatterns = [
    path("", views.FacilityListView.as_view(), name="facility_list"),
    path("new/", views.FacilityEditView.as_view(), name="facility_create"),
    path("<int:pk>/", views.FacilityDetailView.as_view(), name="facility_detail"),
    path("<int:pk>/edit/", views.FacilityEditView.as_view(), name="facility_update"),
    path("<int:pk>/test/", views.test_create, name="test_create"),
    path("due/", views.due_list, name="due_list"),
    path("tests/", views.FacilityTestListView.as_view(), name="test_list"),
    path("tests/<int:pk>/", views.FacilityTestDetailView.as_view(), name="test_detail"),
    path("ledger/<int:premises_pk>.pdf", views.ledger_pdf, name="ledger_pdf"),
    path("export/facilities.<str:fmt>", views.FacilityListView.as_view(), name="facility_export"),
    path("export/tests.<str:fmt>", views.FacilityTestListView.as_view(), name="test_export"),
    path("cadences/", views.cadence_list, name="cadence_list"),
    path("cadences/<int:pk>/edit/", views.cadence_update, name="cadence_update"),
    path("investments/", views.InvestmentListView.as_view(), name="investment_list"),
    path("investments/new/", views.InvestmentEditView.as_view(), name="investment_create"),
    path("investments/<int:pk>/edit/", views.InvestmentEditView.as_view(), name="investment_update"),
]
