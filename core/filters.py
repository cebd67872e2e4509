"""The filter of the notification list (django-filter; the list is the person's own)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread only"))

    class Meta:
        model = Notification
        fields = ["unread"]
