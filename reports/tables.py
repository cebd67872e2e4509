"""Tables of the report lists (django-tables2; an export would come from the same table)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from reports.models import Campaign

ATTRS = {"class": "table table-sm table-striped align-middle"}


class CampaignTable(tables.Table):
    theme = tables.Column(linkify=True)
    start = tables.DateColumn(format="Y-m-d")
    end = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Campaign
        fields = ["year", "theme", "unit", "start", "end"]
        attrs = {**ATTRS, "id": "campaign-list"}
        empty_text = _("No Safety Month yet.")
