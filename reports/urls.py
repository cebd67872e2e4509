from django.urls import path

from reports import feed_views, views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("generate/", views.report_generate, name="report_generate"),
    path("zip/", views.report_zip, name="report_zip"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/sections/", views.report_sections, name="report_sections"),
    path("<int:pk>/regenerate/", views.report_regenerate, name="report_regenerate"),
    path("<int:pk>/finalise/", views.report_finalise, name="report_finalise"),
    path("<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("<int:pk>/sign/", views.report_sign, name="report_sign"),
    path("<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("safety-month/", views.CampaignListView.as_view(), name="campaign_list"),
    path("safety-month/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("safety-month/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("safety-month/<int:pk>/activity/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("safety-month/<int:pk>/report/", views.campaign_report, name="campaign_report"),
    path("calendar-feed/", feed_views.CalendarFeedPageView.as_view(), name="calendar_feed"),
    path("calendar-feed/renew/", feed_views.calendar_feed_renew, name="calendar_feed_renew"),
    path("ical/<str:token>.ics", feed_views.calendar_ics, name="calendar_ics"),
]
