from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("generate/", views.report_generate, name="report_generate"),
    path("zip/", views.report_zip, name="report_zip"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/sections/", views.report_sections, name="report_sections"),
    path("<int:pk>/regenerate/", views.report_regenerate, name="report_regenerate"),
    path("<int:pk>/finalise/", views.report_finalise, name="report_finalise"),
    path("<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("<int:pk>/sign/", views.report_sign, name="report_sign"),
    path("<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("safety-month/", views.campaign_list, name="campaign_list"),
    path("safety-month/new/", views.campaign_create, name="campaign_create"),
    path("safety-month/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("safety-month/<int:pk>/activity/", views.activity_create, name="activity_create"),
    path("safety-month/<int:pk>/report/", views.campaign_report, name="campaign_report"),
]
