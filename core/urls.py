from django.urls import path

from core import audit_views, channel_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/bell/", views.notification_bell, name="notification_bell"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("calendar/", views.CalendarView.as_view(), name="business_calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path(
        "attachments/<int:pk>/thumbnail/", views.attachment_download, {"thumbnail": True}, name="attachment_thumbnail"
    ),
    path("channels/", channel_views.ChannelListView.as_view(), name="channels"),
    path("channels/new/", channel_views.ChannelEditView.as_view(), name="channel_create"),
    path("channels/<int:pk>/edit/", channel_views.ChannelEditView.as_view(), name="channel_edit"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/<str:app_label>/<str:model_name>/<int:pk>/", audit_views.audit_record, name="audit_record"),
    path("documents/request/<str:kind>/", views.document_request, name="document_request"),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document_status"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/retry/", views.document_retry, name="document_retry"),
]
