"""Filters of the report lists (django-filter; scoped by the list's selector)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import filterset_for
from reports.models import Campaign

CampaignFilter = filterset_for(Campaign, year=django_filters.NumberFilter(label=_("Year")))
