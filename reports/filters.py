"""Filters of the report lists (django-filter; scoped by the list's selector)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from reports.models import Campaign


class CampaignFilter(ScopedFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = Campaign
        fields = ["year"]
