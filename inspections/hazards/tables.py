import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from inspections.models import Hazard

ATTRS = {"class": "table table-sm table-striped align-middle"}


class HazardTable(tables.Table):
    code = tables.Column(verbose_name=_("No."), linkify=True, order_by=("found_at",))
    description = tables.TemplateColumn(
        template_name="inspections/hazards/partials/_description_cell.html", verbose_name=_("description")
    )
    status = tables.TemplateColumn(
        template_name="inspections/hazards/partials/_status_cell.html", verbose_name=_("status"), order_by=("status",)
    )

    class Meta:
        model = Hazard
        fields = [
            "code",
            "found_at",
            "premises",
            "description",
            "grade",
            "category",
            "status",
            "responsible",
            "deadline",
        ]
        attrs = ATTRS
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}
