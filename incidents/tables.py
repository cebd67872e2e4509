import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from branches.tables import ObjectTable
from incidents.models import Incident


class IncidentTable(ObjectTable):
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True)
    # Shown only in the CSV/XLSX export.
    premises_code = tables.Column(verbose_name=_("Premises code"), accessor="premises__code", visible=False)

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
