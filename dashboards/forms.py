"""Forms of the dashboards: the month picker and head office's risk weights."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.models import RiskWeights
from dashboards.services import WEIGHT_FIELDS
from safetybank.forms import SafeForm, SafeModelForm


class MonthForm(SafeForm):
    """``?month=YYYY-MM``; anything else is a clear error and the current month is shown."""

    month = forms.CharField(required=False)

    def clean_month(self) -> datetime.date | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            day = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter the month as YYYY-MM, for example 2026-06.")) from None
        if not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("Choose a month between 2000 and 2100."))
        return day


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
