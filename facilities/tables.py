import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from branches.tables import ObjectTable, PremisesCodeColumn
from facilities.models import Facility, FacilityTest, Investment


class FacilityTable(ObjectTable):
    name = tables.Column(linkify=True)
    premises_code = PremisesCodeColumn()

    export_columns = (
        "premises_code",
        "premises",
        "unit",
        "kind",
        "name",
        "model_name",
        "supplier",
        "install_date",
        "status",
        "channels",
        "retention_days",
        "quantity",
        "extinguisher_type",
        "expiry_date",
        "note",
    )

    class Meta(ObjectTable.Meta):
        model = Facility
        fields = ["name", "kind", "premises", "status", "install_date", "supplier"]


class FacilityTestTable(ObjectTable):
    tested_on = tables.Column(linkify=True)
    facility = tables.Column(verbose_name=_("facility"), accessor="facility__name")
    premises = tables.Column(verbose_name=_("premises"), accessor="facility__premises")
    premises_code = PremisesCodeColumn("facility__premises__code")
    hazard = tables.Column(verbose_name=_("Hidden danger"), accessor="hazard_id", visible=False)

    export_columns = (
        "tested_on",
        "premises_code",
        "premises",
        "facility",
        "test_kind",
        "result",
        "tester",
        "notes",
        "police_receipt",
        "hazard",
    )

    class Meta(ObjectTable.Meta):
        model = FacilityTest
        fields = ["tested_on", "premises", "facility", "test_kind", "result", "tester"]
        row_attrs = {"class": lambda record: "table-danger" if record.failed else ""}


class InvestmentTable(ObjectTable):
    premises_covered = tables.ManyToManyColumn(verbose_name=_("also covers"), separator="、", orderable=False)
    edit = tables.TemplateColumn(
        '<a href="{% url "facilities:investment_update" record.pk %}">{% load i18n %}{% translate "Edit" %}</a>',
        verbose_name="",
        orderable=False,
    )

    description = tables.Column(attrs={"td": {"class": "cell-text"}})  # wraps on a desktop

    class Meta(ObjectTable.Meta):
        model = Investment
        fields = ["date", "premises", "premises_covered", "kind", "facility_kind", "amount", "description"]
