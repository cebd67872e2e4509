"""Forms of the dashboards: head office's risk weights (the month comes from ``safetybank.params``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.models import RiskWeights
from dashboards.services import WEIGHT_FIELDS
from safetybank.forms import SafeModelForm


class RiskWeightsForm(SafeModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        help_text=_("Kept in the audit trail with the old and new weights."),
    )

    class Meta:
        model = RiskWeights
        fields = WEIGHT_FIELDS

    def clean(self):
        cleaned = super().clean()
        for name in WEIGHT_FIELDS[:-1]:
            value = cleaned.get(name)
            if value is not None and value > 100:
                self.add_error(name, _("A weight is at most 100."))
        window = cleaned.get("drill_window_days")
        if window is not None and not 7 <= window <= 366:
            self.add_error("drill_window_days", _("From 7 to 366 days."))
        return cleaned
