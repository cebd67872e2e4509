import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility, FacilityTest, Investment

ATTRS = {"class": "table table-sm table-striped align-middle"}


class FacilityTable(tables.Table):
    name = tables.Column(linkify=True)
    # Shown only in the CSV/XLSX export.
    premises_code = tables.Column(verbose_name=_("Premises code"), accessor="premises__code", visible=False)
    unit = tables.Column(visible=False)
    model_name = tables.Column(visible=False)
    channels = tables.Column(visible=False)
    retention_days = tables.Column(visible=False)
    quantity = tables.Column(visible=False)
    extinguisher_type = tables.Column(visible=False)
    expiry_date = tables.Column(visible=False)
    note = tables.Column(visible=False)

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

    class Meta:
        model = Facility
        fields = ["name", "kind", "premises", "status", "install_date", "supplier"]
        attrs = ATTRS


class FacilityTestTable(tables.Table):
    tested_on = tables.Column(linkify=True)
    facility = tables.Column(verbose_name=_("facility"), accessor="facility__name")
    premises = tables.Column(verbose_name=_("premises"), accessor="facility__premises")
    # Shown only in the CSV/XLSX export.
    premises_code = tables.Column(verbose_name=_("Premises code"), accessor="facility__premises__code", visible=False)
    notes = tables.Column(visible=False)
    police_receipt = tables.Column(visible=False)
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

    class Meta:
        model = FacilityTest
        fields = ["tested_on", "premises", "facility", "test_kind", "result", "tester"]
        attrs = ATTRS
        row_attrs = {"class": lambda record: "table-danger" if record.failed else ""}


class InvestmentTable(tables.Table):
    premises_covered = tables.ManyToManyColumn(verbose_name=_("also covers"), separator="、", orderable=False)
    edit = tables.TemplateColumn(
        '<a href="{% url "facilities:investment_update" record.pk %}">{% load i18n %}{% translate "Edit" %}</a>',
        verbose_name="",
        orderable=False,
    )

    description = tables.Column(attrs={"td": {"class": "cell-text"}})  # wraps on a desktop

    class Meta:
        model = Investment
        fields = ["date", "premises", "premises_covered", "kind", "facility_kind", "amount", "description"]
        attrs = ATTRS
