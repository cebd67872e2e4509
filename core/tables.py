"""The notification list (django-tables2): one row per notification, the unread ones highlighted."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.models import Notification


class NotificationTable(tables.Table):
    title = tables.TemplateColumn(
        template_name="core/partials/_notification_cell.html", verbose_name=_("notification"), orderable=False
    )
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", visible=False)

    class Meta:
        model = Notification
        fields = ["title", "created_at"]
        attrs = {"class": "table table-sm align-middle", "id": "notification-list"}
        row_attrs = {"class": lambda record: "" if record.is_read else "table-warning"}
        show_header = False
        orderable = False
        empty_text = _("No notifications.")
