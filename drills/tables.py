"""Tables of the drill, emergency-plan and study lists (django-tables2; the export comes from the same table)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from branches.tables import TABLE_ATTRS, ObjectTable
from drills.models import Drill, EmergencyPlan, StudySession


class DrillTable(ObjectTable):
    scenario = tables.Column(linkify=True)
    date = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d", order_by=("planned_date",))
    premises = tables.ManyToManyColumn(verbose_name=_("premises"))
    status = tables.TemplateColumn(template_name="drills/partials/_drill_status_cell.html", order_by=("status",))

    class Meta(ObjectTable.Meta):
        model = Drill
        fields = ["scenario", "date", "kind", "unit", "premises", "status"]
        attrs = {**TABLE_ATTRS, "id": "drill-list"}
        empty_text = _("No drills in this year.")


class EmergencyPlanTable(ObjectTable):
    title = tables.Column(linkify=True)
    flags = tables.TemplateColumn(
        template_name="drills/partials/_plan_flags_cell.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(ObjectTable.Meta):
        model = EmergencyPlan
        fields = ["title", "kind", "unit", "version", "next_review", "flags"]
        attrs = {**TABLE_ATTRS, "id": "plan-list"}
        empty_text = _("No emergency plans yet.")


class StudySessionTable(ObjectTable):
    topic = tables.Column(linkify=True)
    attendee_count = tables.Column(verbose_name=_("Attendees"))

    class Meta(ObjectTable.Meta):
        model = StudySession
        fields = ["topic", "date", "kind", "unit", "attendee_count"]
        attrs = {**TABLE_ATTRS, "id": "study-list"}
        empty_text = _("No study sessions yet.")
