import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from branches.models import Premises, Unit, User

TABLE_ATTRS = {"class": "table table-sm table-striped align-middle"}


class ObjectTable(tables.Table):
    """The table of a list page (``ObjectListView``), in the site's style, and its CSV/XLSX download.

    ``export_columns`` names what the download holds, in order (without it: every column not marked
    ``exclude_from_export``). A name there that the page does not show is read from the row's field of
    that name as a hidden column: only an export column with its own header or accessor is declared,
    with ``visible=False``. Inherit the options with ``class Meta(ObjectTable.Meta)``.
    """

    export_columns: tuple[str, ...] = ()

    class Meta:
        attrs = TABLE_ATTRS

    def __init__(self, *args, extra_columns=(), **kwargs):
        hidden = [(name, tables.Column(visible=False)) for name in self.export_columns if name not in self.base_columns]
        super().__init__(*args, extra_columns=[*hidden, *extra_columns], **kwargs)


class PremisesCodeColumn(tables.Column):
    """The premises' code, only in the CSV/XLSX download (name it in ``export_columns``); ``accessor``
    leads from the row to the premises' code."""

    def __init__(self, accessor="premises__code", **kwargs):
        super().__init__(verbose_name=_("Premises code"), accessor=accessor, visible=False, **kwargs)


class UnitTable(ObjectTable):
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name=_("parent unit"))

    class Meta(ObjectTable.Meta):
        model = Unit
        fields = ["name", "code", "kind", "parent"]


class PremisesTable(ObjectTable):
    name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Premises
        fields = ["name", "code", "kind", "unit", "area", "opens_at", "closes_at"]


class StaffTable(ObjectTable):
    full_name = tables.Column(linkify=True, verbose_name=_("full name"))

    class Meta(ObjectTable.Meta):
        model = User
        fields = ["full_name", "username", "post", "unit", "home_premises", "phone", "is_active"]
