import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility, FacilityTest, Investment

ATTRS = {"class": "table table-sm table-striped align-middle"}


class FacilityTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = Facility
        fields = ["name", "kind", "premises", "status", "install_date", "supplier"]
        attrs = ATTRS


class FacilityTestTable(tables.Table):
    tested_on = tables.Column(linkify=True)
    facility = tables.Column(verbose_name=_("facility"), accessor="facility__name")
    premises = tables.Column(verbose_name=_("premises"), accessor="facility__premises")

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

    class Meta:
        model = Investment
        fields = ["date", "premises", "premises_covered", "kind", "facility_kind", "amount", "description"]
        attrs = ATTRS
