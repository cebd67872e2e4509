"""Forms of the reports and Safety Month. Every choice is narrowed to the signed-in person's scope."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Unit
from branches.widgets import search_as_you_type
from core.forms import AttachmentField
from reports.choices import ActivityKind, ReportKind
from reports.selectors import REPORT_UNIT_KINDS
from safetybank.forms import SafeForm
from safetybank.params import parse_month

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_MAX = 20000


def _section(label, help_text, rows: int) -> forms.CharField:
    """A free-text section of a report, written by its unit."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class SectionsForm(SafeForm):
    rules_text = _section(
        _("Rules and procedures"),
        _("Rules, plans and procedures introduced or revised in the period (section 2)."),
        3,
    )
    problems = _section(
        _("3. Existing problems and their reasons"),
        _("Starts as the period's open problems from the data; rewrite it in your own words."),
        8,
    )
    measures = _section(_("4. Rectification measures"), _("What will be done, by whom and by when."), 6)
    plans = _section(_("5. Work plan for next year"), _("The main safety work planned for the coming year."), 6)

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if kind != ReportKind.YEAR_END:
            del self.fields["plans"]


class CorrectionForm(SafeForm):
    reason = forms.CharField(label=_("Why is the report corrected?"), max_length=300)


class MonthForm(SafeForm):
    month = forms.CharField(label=_("Month"), max_length=20, widget=forms.TextInput(attrs={"type": "month"}))
    kind = forms.ChoiceField(choices=ReportKind.choices, required=False)

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month > timezone.localdate():
            raise forms.ValidationError(_("Reports are written for months that have begun."), code="future")
        return month


def units_field(user) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.for_user(user).filter(kind__in=REPORT_UNIT_KINDS).order_by("path"),
    )


class CampaignForm(SafeForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    theme = forms.CharField(label=_("Theme"), max_length=200)
    start = forms.DateField(label=_("First day"), widget=DATE)
    end = forms.DateField(label=_("Last day"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"unit": units_field(user), **self.fields}
        search_as_you_type(self)  # a thousand units at a head office: a search box
        if not self.is_bound:
            year = timezone.localdate().year
            self.initial.update(year=year, start=datetime.date(year, 6, 1), end=datetime.date(year, 6, 30))

    def clean(self):
        data = super().clean()
        start, end, year = data.get("start"), data.get("end"), data.get("year")
        if start and end and end < start:
            self.add_error("end", _("The last day must not be before the first day."))
        if start and year and start.year != year:
            self.add_error("start", _("The first day must lie in the campaign's year."))
        return data


class ActivityForm(SafeForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Activity content"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=100000, initial=0)
    photos = AttachmentField(multiple=True, required=False, label=_("Photos"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"unit": units_field(user), **self.fields}
        search_as_you_type(self)  # a thousand units at a head office: a search box


class GenerateSafetyMonthForm(SafeForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = units_field(user)
        search_as_you_type(self)  # a thousand units at a head office: a search box
