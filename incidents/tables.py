import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident


class IncidentTable(tables.Table):
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True)
    # Shown only in the CSV/XLSX export.
    premises_code = tables.Column(verbose_name=_("Premises code"), accessor="premises__code", visible=False)
    unit = tables.Column(visible=False)
    description = tables.Column(visible=False)
    police_report_no = tables.Column(visible=False)
    follow_up = tables.Column(visible=False)
    reported_at = tables.Column(visible=False)

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

    class Meta:
        model = Incident
        fields = ["occurred_at", "kind", "premises", "loss_amount", "status", "reported_by"]
        attrs = {"class": "table table-sm table-striped align-middle"}
