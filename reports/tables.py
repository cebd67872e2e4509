"""Tables of the report lists (django-tables2; an export would come from the same table)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from branches.tables import TABLE_ATTRS, ObjectTable
from reports.models import Campaign


class CampaignTable(ObjectTable):
    theme = tables.Column(linkify=True)
    start = tables.DateColumn(format="Y-m-d")
    end = tables.DateColumn(format="Y-m-d")

    class Meta(ObjectTable.Meta):
        model = Campaign
        fields = ["year", "theme", "unit", "start", "end"]
        attrs = {**TABLE_ATTRS, "id": "campaign-list"}
        empty_text = _("No Safety Month yet.")
