"""Tables of the checklist and frequency-rule lists (django-tables2; an export would come from the same table)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from branches.tables import TABLE_ATTRS, ObjectTable
from inspections.models import ChecklistTemplate, FrequencyRule


class ChecklistTable(ObjectTable):
    display_name = tables.Column(
        verbose_name=_("Checklist"), linkify=lambda record: record.get_absolute_url(), order_by=("name",)
    )

    class Meta(ObjectTable.Meta):
        model = ChecklistTemplate
        fields = ["code", "display_name", "purpose", "owner_unit"]
        attrs = {**TABLE_ATTRS, "id": "checklist-list"}
        empty_text = _("None")


class RuleTable(ObjectTable):
    level = tables.Column(verbose_name=_("Level"))
    template = tables.Column(verbose_name=_("Checklist"), accessor="template__display_name", order_by=("template",))
    period = tables.Column(verbose_name=_("period"))
    target = tables.Column(verbose_name=_("applies to"))
    valid_from = tables.DateColumn(verbose_name=_("in force from"), format="Y-m")
    edit = tables.TemplateColumn(
        template_name="inspections/partials/_rule_edit_cell.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(ObjectTable.Meta):
        model = FrequencyRule
        fields = ["level", "template", "period", "target", "performer_post", "valid_from", "edit"]
        empty_text = _("None")

    def render_period(self, record, value):
        return f"{value} ×{record.count}" if record.count > 1 else value

    def render_target(self, record, value):
        return f"{value} · {record.get_premises_kind_display()}" if record.premises_kind else value
