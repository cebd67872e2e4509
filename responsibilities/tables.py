"""Tables of the letter and joint-defence lists (django-tables2; the export comes from the same table)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from branches.tables import TABLE_ATTRS, ObjectTable
from responsibilities.models import JointDefenceAgreement, Letter


class LetterTable(ObjectTable):
    party_name = tables.Column(linkify=True)
    status = tables.TemplateColumn(template_name="responsibilities/partials/_status_cell.html", order_by=("status",))

    class Meta(ObjectTable.Meta):
        model = Letter
        fields = ["party_name", "kind", "issuing_unit", "unit", "premises", "status"]
        attrs = {**TABLE_ATTRS, "id": "letters"}
        empty_text = _("No letters for this year.")


class AgreementTable(ObjectTable):
    party_name = tables.Column(linkify=True)
    expires_on = tables.TemplateColumn(
        template_name="responsibilities/partials/_expiry_cell.html", order_by=("expires_on",)
    )

    class Meta(ObjectTable.Meta):
        model = JointDefenceAgreement
        fields = ["party_name", "party_kind", "unit", "premises", "our_contact", "expires_on"]
        attrs = {**TABLE_ATTRS, "id": "agreements"}
        empty_text = _("No agreements recorded.")
