import django_tables2 as tables

from branches.tables import ObjectTable, PremisesCodeColumn
from incidents.models import Incident


class IncidentTable(ObjectTable):
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True)
    premises_code = PremisesCodeColumn()

    export_columns = (
        "occurred_at",
        "kind",
        "premises_code",
        "premises",
        "unit",
        "description",
        "loss_amount",
        "police_report_no",
        "status",
        "follow_up",
        "reported_by",
        "reported_at",
    )

    class Meta(ObjectTable.Meta):
        model = Incident
        fields = ["occurred_at", "kind", "premises", "loss_amount", "status", "reported_by"]
