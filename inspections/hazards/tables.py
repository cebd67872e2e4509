import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from branches.tables import ObjectTable
from inspections.hazards.models import Hazard


class HazardTable(ObjectTable):
    code = tables.Column(verbose_name=_("No."), linkify=True, order_by=("found_at",))
    description = tables.TemplateColumn(
        template_name="inspections/hazards/partials/_description_cell.html",
        verbose_name=_("description"),
        attrs={"td": {"class": "cell-text"}},  # the one column that wraps on a desktop
    )
    status = tables.TemplateColumn(
        template_name="inspections/hazards/partials/_status_cell.html", verbose_name=_("status"), order_by=("status",)
    )

    # Shown only in the CSV/XLSX export (safetybank.exports.table_export_response).
    unit = tables.Column(verbose_name=_("Unit"), visible=False)
    item_code = tables.Column(verbose_name=_("Item code"), visible=False)
    found_by = tables.Column(verbose_name=_("Found by"), visible=False)
    overdue = tables.Column(verbose_name=_("Overdue"), accessor="is_overdue", visible=False, orderable=False)
    escalation_level = tables.Column(verbose_name=_("Escalation"), visible=False)
    is_repeat = tables.Column(verbose_name=_("Repeat finding"), visible=False)
    closed_at = tables.Column(verbose_name=_("Closed"), visible=False)

    # What a person decides on, in a phone's card (templates/django_tables2/safetybank.html).
    card_fields = ("code", "premises", "description", "grade", "status", "responsible", "deadline")

    export_columns = (
        "code",
        "found_at",
        "unit",
        "premises",
        "item_code",
        "description",
        "category",
        "grade",
        "status",
        "found_by",
        "responsible",
        "deadline",
        "overdue",
        "escalation_level",
        "is_repeat",
        "closed_at",
    )

    def value_description(self, record):
        return record.display_description  # whole, in the reader's language

    def value_overdue(self, record):
        return _("Yes") if record.is_overdue else ""

    def value_escalation_level(self, record):
        return record.get_escalation_level_display() if record.escalation_level else ""

    def value_is_repeat(self, record):
        return _("Yes") if record.is_repeat else ""

    class Meta(ObjectTable.Meta):
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
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}
