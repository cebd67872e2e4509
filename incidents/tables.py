import django_tables2 as tables

from incidents.models import Incident


class IncidentTable(tables.Table):
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True)

    class Meta:
        model = Incident
        fields = ["occurred_at", "kind", "premises", "loss_amount", "status", "reported_by"]
        attrs = {"class": "table table-sm table-striped align-middle"}
