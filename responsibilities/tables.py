"""Tables of the letter and joint-defence lists (django-tables2; the export comes from the same table)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from responsibilities.models import JointDefenceAgreement, Letter

ATTRS = {"class": "table table-sm table-striped align-middle"}


class LetterTable(tables.Table):
    party_name = tables.Column(linkify=True)
    status = tables.TemplateColumn(template_name="responsibilities/partials/_status_cell.html", order_by=("status",))

    class Meta:
        model = Letter
        fields = ["party_name", "kind", "issuing_unit", "unit", "premises", "status"]
        attrs = {**ATTRS, "id": "letters"}
        empty_text = _("No letters for this year.")


class AgreementTable(tables.Table):
    party_name = tables.Column(linkify=True)
    expires_on = tables.TemplateColumn(
        template_name="responsibilities/partials/_expiry_cell.html", order_by=("expires_on",)
    )

    class Meta:
        model = JointDefenceAgreement
        fields = ["party_name", "party_kind", "unit", "premises", "our_contact", "expires_on"]
        attrs = {**ATTRS, "id": "agreements"}
        empty_text = _("No agreements recorded.")
