import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from branches.models import Premises, Unit, User


class UnitTable(tables.Table):
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name=_("parent unit"))

    class Meta:
        model = Unit
        fields = ["name", "code", "kind", "parent"]
        attrs = {"class": "table table-sm table-striped align-middle"}


class PremisesTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = Premises
        fields = ["name", "code", "kind", "unit", "area", "opens_at", "closes_at"]
        attrs = {"class": "table table-sm table-striped align-middle"}


class StaffTable(tables.Table):
    full_name = tables.Column(linkify=True, verbose_name=_("full name"))

    class Meta:
        model = User
        fields = ["full_name", "username", "post", "unit", "home_premises", "phone", "is_active"]
        attrs = {"class": "table table-sm table-striped align-middle"}
