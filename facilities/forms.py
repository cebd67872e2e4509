from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Premises
from branches.widgets import search_as_you_type
from core.forms import AttachmentField
from facilities.choices import TestResult
from facilities.models import Cadence, Facility, Investment
from safetybank.forms import SafeForm, SafeModelForm, ScopedModelForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FacilityForm(ScopedModelForm):
    class Meta:
        model = Facility
        fields = [
            "premises",
            "kind",
            "name",
            "model_name",
            "supplier",
            "install_date",
            "status",
            "video_kind",
            "channels",
            "retention_days",
            "quantity",
            "extinguisher_type",
            "expiry_date",
            "next_overhaul",
            "note",
        ]
        widgets = {"install_date": DATE, "expiry_date": DATE, "next_overhaul": DATE}
        help_texts = {
            "channels": _("Video recorders only."),
            "retention_days": _("Video recorders only: at least 30 days."),
            "quantity": _("Fire extinguishers only."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["premises"].queryset = self.fields["premises"].queryset.filter(is_active=True)
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box


class CadenceForm(SafeModelForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = Cadence
        fields = ["every", "unit", "remind_days", "requires_police_receipt", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search_as_you_type(self)  # a thousand units at a head office: a search box


class InvestmentForm(ScopedModelForm):
    class Meta:
        model = Investment
        fields = ["premises", "kind", "facility_kind", "date", "amount", "description", "premises_covered"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box


class FacilityTestForm(SafeForm):
    """One test of one facility: the tests that apply are those head office set a cadence for."""

    test_kind = forms.ChoiceField(label=_("Test"))
    tested_on = forms.DateField(label=_("Tested on"), widget=DATE, initial=timezone.localdate)
    result = forms.ChoiceField(label=_("Result"), choices=TestResult.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When the test fails, say what failed: it becomes the hidden danger."),
    )
    police_receipt = forms.CharField(
        label=_("Police confirmation of receipt"),
        required=False,
        max_length=100,
        help_text=_("Who at the 110 centre confirmed the alarm arrived, and their reference."),
    )
    photos = AttachmentField(multiple=True, required=False)

    def __init__(self, *args, facility: Facility, **kwargs):
        super().__init__(*args, **kwargs)
        cadences = list(Cadence.objects.filter(facility_kind=facility.kind, is_active=True))
        self.fields["test_kind"].choices = [(c.test_kind, c.get_test_kind_display()) for c in cadences]
        if not any(c.requires_police_receipt for c in cadences):
            del self.fields["police_receipt"]

    def clean_tested_on(self):
        value = self.cleaned_data["tested_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A test cannot be recorded for a future date."))
        return value


class PremisesChoiceForm(SafeForm):
    premises = forms.ModelChoiceField(label=_("Premises"), queryset=Premises.objects.none())
